// Top values of a field: a pie (top N + other), a bar chart, or a table whose extra columns
// show each value's top country / AS. Clicking a value filters on it.
import type { AggResult, Bucket } from '../api';
import type { Panel } from '../dashboard_model';
import { displayValue, flagEmoji, formatCount, formatExact } from '../format';
import { createChart, echarts, kTooltip, themeColors } from './echarts_setup';
import { type AggRequest, el, type PanelView, type RenderContext } from './panel_view';

export function termsAggs(panel: Panel, known: (field: string) => boolean): AggRequest {
  const terms: Record<string, unknown> = { terms: { field: panel.field, size: panel.size ?? 10 } };
  const columns = (panel.columns ?? []).filter((c) => known(c.field));
  if (columns.length) {
    terms.aggs = Object.fromEntries(
      columns.map((c, i) => [`c${i}`, { terms: { field: c.field, size: 1 } }]),
    );
  }
  return { [panel.id]: terms };
}

function topKey(b: Bucket, name: string): string {
  const sub = (b[name] as AggResult | undefined)?.buckets?.[0];
  return sub ? displayValue(sub.key) : '';
}

export class TermsPanel implements PanelView {
  private chart: echarts.ECharts | undefined;
  private dark = false;

  constructor(private readonly panel: Panel, private readonly body: HTMLElement,
              private readonly known: (field: string) => boolean) {}

  update(ctx: RenderContext): void {
    const agg = ctx.response.aggregations?.[this.panel.id] as AggResult | undefined;
    const buckets = agg?.buckets ?? [];
    if (this.panel.style === 'table') {
      this.renderTable(ctx, buckets);
      return;
    }
    if (!this.chart || this.dark !== ctx.dark) {
      this.chart?.dispose();
      this.dark = ctx.dark;
      this.chart = createChart(this.body, ctx.dark);
      this.chart.on('click', (p: unknown) => {
        const params = p as { name?: string; data?: { filterable?: boolean } };
        if (params.name && params.data?.filterable !== false) {
          ctx.addFilter(this.panel.field!, params.name);
        }
      });
    }
    const colors = themeColors(ctx.dark);
    const data = buckets.map((b) => ({ name: displayValue(b.key), value: b.doc_count }));
    const other = agg?.sum_other_doc_count ?? 0;
    if (this.panel.style === 'bar') {
      const rows = [...data].reverse();
      this.chart.setOption({
        backgroundColor: 'transparent',
        animation: false,
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        tooltip: { ...kTooltip, trigger: 'item',
                   formatter: (p: { name: string; value: number }) => `${p.name}: ${formatExact(p.value)}` },
        xAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCount(v) } },
        yAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { color: colors.text } },
        series: [{ type: 'bar', data: rows, label: { show: true, position: 'right',
                   formatter: (p: { value: number }) => formatCount(p.value), color: colors.text } }],
      }, { notMerge: true });
      return;
    }
    const pieData: { name: string; value: number; filterable?: boolean }[] = [...data];
    if (other > 0) pieData.push({ name: 'Other', value: other, filterable: false });
    this.chart.setOption({
      backgroundColor: 'transparent',
      animation: false,
      tooltip: { ...kTooltip, trigger: 'item',
                 formatter: (p: { name: string; value: number; percent: number }) =>
                   `${p.name}: ${formatExact(p.value)} (${p.percent}%)` },
      series: [{
        type: 'pie', radius: ['35%', '70%'], center: ['50%', '52%'], data: pieData,
        label: { color: colors.text, formatter: '{b}' }, minShowLabelAngle: 6,
      }],
    }, { notMerge: true });
  }

  private renderTable(ctx: RenderContext, buckets: Bucket[]): void {
    const columns = (this.panel.columns ?? []).filter((c) => this.known(c.field));
    const countryCol = columns.findIndex((c) => c.kind === 'country');
    const nameCol = columns.findIndex((c, i) => i !== countryCol && /country_name$/.test(c.field));
    const table = el('table', 'terms-table');
    const head = table.createTHead().insertRow();
    const th = (t: string, cls?: string) => head.appendChild(el('th', cls, t)).setAttribute('scope', 'col');
    th(this.panel.title.replace(/^Top /, ''));
    columns.forEach((c, i) => { if (i !== nameCol) th(c.label); });
    th('Count', 'num');
    const tbody = table.createTBody();
    for (const b of buckets) {
      const tr = tbody.insertRow();
      const value = displayValue(b.key);
      const button = el('button', 'link', value);
      button.title = `Filter on ${this.panel.field}: ${value}`;
      button.addEventListener('click', () => ctx.addFilter(this.panel.field!, value));
      tr.insertCell().appendChild(button);
      columns.forEach((c, i) => {
        if (i === nameCol) return;
        let text = topKey(b, `c${i}`);
        if (i === countryCol) {
          const name = nameCol >= 0 ? topKey(b, `c${nameCol}`) : '';
          text = [flagEmoji(text), name || text].filter(Boolean).join(' ');
        }
        tr.insertCell().textContent = text;
      });
      const count = tr.insertCell();
      count.className = 'num';
      count.textContent = formatCount(b.doc_count);
      count.title = formatExact(b.doc_count);
    }
    if (!buckets.length) {
      const cell = tbody.insertRow().insertCell();
      cell.colSpan = columns.length + 2;
      cell.textContent = 'No values';
    }
    this.body.replaceChildren(table);
  }

  resize(): void {
    this.chart?.resize();
  }

  dispose(): void {
    this.chart?.dispose();
  }
}
