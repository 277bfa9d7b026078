// Events over time, stacked by a field (the protocol); dragging across it selects a new
// absolute time range.
import type { AggResult, Bucket } from '../api';
import type { Panel } from '../dashboard_model';
import { formatCount, formatTime } from '../format';
import { createChart, echarts, kTooltip, themeColors } from './echarts_setup';
import type { AggRequest, PanelView, RenderContext } from './panel_view';

// Stacks beyond this many values are folded into "other": more colours are unreadable.
const kMaxStacks = 6;

export function histogramAggs(panel: Panel, timeZone: string): AggRequest {
  const hist: Record<string, unknown> = {
    date_histogram: { field: '@timestamp', interval: 'auto', time_zone: timeZone },
  };
  if (panel.field) hist.aggs = { stack: { terms: { field: panel.field, size: kMaxStacks } } };
  return { [panel.id]: hist };
}

export class HistogramPanel implements PanelView {
  private chart: echarts.ECharts | undefined;
  private dark = false;

  constructor(private readonly panel: Panel, private readonly body: HTMLElement) {}

  update(ctx: RenderContext): void {
    if (!this.chart || this.dark !== ctx.dark) {
      this.chart?.dispose();
      this.dark = ctx.dark;
      this.chart = createChart(this.body, ctx.dark);
      this.chart.on('brushEnd', (e: unknown) => {
        const areas = (e as { areas?: { coordRange?: number[] }[] }).areas ?? [];
        const range = areas[0]?.coordRange;
        if (range && range.length === 2 && range[1] > range[0]) {
          ctx.setAbsoluteRange(Math.floor(range[0]), Math.ceil(range[1]));
        }
      });
    }
    const agg = ctx.response.aggregations?.[this.panel.id] as AggResult | undefined;
    const buckets: Bucket[] = agg?.buckets ?? [];
    const stacks = new Map<string, [number, number][]>();
    const add = (name: string, t: number, n: number) => {
      if (!stacks.has(name)) stacks.set(name, []);
      stacks.get(name)!.push([t, n]);
    };
    // Events without the field (sshd lines have no protocol) are a stack of their own,
    // apart from the values beyond the top kMaxStacks.
    const none = `no ${this.panel.field?.split('.').pop()}`;
    const total: [number, number][] = [];
    for (const b of buckets) {
      const t = Number(b.key);
      total.push([t, b.doc_count]);
      const stack = b.stack as AggResult | undefined;
      if (!stack?.buckets) continue;
      let rest = b.doc_count;
      for (const s of stack.buckets) {
        add(String(s.key), t, s.doc_count);
        rest -= s.doc_count;
      }
      const other = Math.min(rest, stack.sum_other_doc_count ?? 0);
      if (other > 0) add('other', t, other);
      if (rest - other > 0) add(none, t, rest - other);
    }
    const series = (stacks.size ? [...stacks.entries()] : [['events', total] as const]).map(
      ([name, data]) => ({ type: 'bar', name, stack: 'all', data, barMaxWidth: 24, large: true }),
    );
    const colors = themeColors(ctx.dark);
    const utc = ctx.utc;
    this.chart.setOption(
      {
        backgroundColor: 'transparent',
        useUTC: utc,
        animation: false,
        grid: { left: 48, right: 12, top: 28, bottom: 24 },
        legend: { show: series.length > 1, top: 0, textStyle: { color: colors.text } },
        tooltip: {
          ...kTooltip,
          trigger: 'axis',
          formatter: (params: unknown) => {
            const list = params as { seriesName: string; value: [number, number] }[];
            if (!list.length) return '';
            const lines = [formatTime(list[0].value[0], utc)];
            for (const p of list) lines.push(`${p.seriesName}: ${formatCount(p.value[1])}`);
            return lines.join('\n');
          },
        },
        xAxis: { type: 'time', min: ctx.range.from, max: ctx.range.to },
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCount(v) } },
        brush: { xAxisIndex: 0, brushType: 'lineX', brushMode: 'single', transformable: false,
                 throttleType: 'debounce', removeOnClick: true },
        toolbox: { show: false },
        series,
      },
      { notMerge: true },
    );
    this.chart.dispatchAction({
      type: 'takeGlobalCursor', key: 'brush',
      brushOption: { brushType: 'lineX', brushMode: 'single' },
    });
  }

  resize(): void {
    this.chart?.resize();
  }

  dispose(): void {
    this.chart?.dispose();
  }
}
