// Top values of a field: a pie (top N + other), a bar chart, or a table whose extra columns
// show each value's top country / AS. Clicking a value filters on it.
import type { AggResult, Bucket } from '../api';
import type { Panel } from '../dashboard_model';
import { displayValue, flagEmoji, formatCount, formatExact, formatTime } from '../format';
import { createChart, echarts, kTooltip, themeColors } from './echarts_setup';
import { type AggRequest, el, type PanelView, type RenderContext } from './panel_view';

// Bars of a row's sparkline: hourly over a day, enough to see a burst or a steady knocker.
const kSparkBuckets = 24;
const kSparkWidth = 72;
const kSparkHeight = 18;

export function termsAggs(panel: Panel, known: (field: string) => boolean): AggRequest {
  const terms: Record<string, unknown> = { terms: { field: panel.field, size: panel.size ?? 10 } };
  const columns = (panel.columns ?? []).filter((c) => known(c.field));
  const sub: Record<string, unknown> = Object.fromEntries(
    columns.map((c, i) => [`c${i}`, { terms: { field: c.field, size: 1 } }]),
  );
  if (panel.style === 'table' && panel.activity) {
    sub.seen = { stats: { field: '@timestamp' } };
    sub.spark = { date_histogram: { field: '@timestamp', interval: 'auto', buckets: kSparkBuckets } };
  }
  if (Object.keys(sub).length) terms.aggs = sub;
  return { [panel.id]: terms };
}

const kSvg = 'http://www.w3.org/2000/svg';

// A bar per histogram bucket, placed by its time within the range; attributes only (the CSP
// refuses style attributes), coloured by CSS.
function sparkline(b: Bucket, range: { from: number; to: number }): SVGSVGElement {
  const svg = document.createElementNS(kSvg, 'svg');
  svg.setAttribute('viewBox', `0 0 ${kSparkWidth} ${kSparkHeight}`);
  svg.setAttribute('width', String(kSparkWidth));
  svg.setAttribute('height', String(kSparkHeight));
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('aria-hidden', 'true');
  const buckets = (b.spark as AggResult | undefined)?.buckets ?? [];
  const max = Math.max(1, ...buckets.map((x) => x.doc_count));
  const span = Math.max(1, range.to - range.from);
  const step = buckets.length > 1 ? Number(buckets[1].key) - Number(buckets[0].key) : span / kSparkBuckets;
  const width = Math.max(1, (kSparkWidth * step) / span - 1);
  for (const x of buckets) {
    if (!x.doc_count) continue;
    const rect = document.createElementNS(kSvg, 'rect');
    const h = Math.max(1, (kSparkHeight * x.doc_count) / max);
    rect.setAttribute('x', String(Math.max(0, (kSparkWidth * (Number(x.key) - range.from)) / span)));
    rect.setAttribute('y', String(kSparkHeight - h));
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', String(h));
    svg.appendChild(rect);
  }
  return svg;
}

function topKey(b: Bucket, name: string): string {
  const sub = (b[name] as AggResult | undefined)?.buckets?.[0];
  return sub ? displayValue(sub.key) : '';
}

export class TermsPanel implements PanelView {
  private chart: echarts.ECharts | undefined;
  private dark = false;
  private ctx: RenderContext | undefined;

  constructor(private readonly panel: Panel, private readonly body: HTMLElement,
              private readonly known: (field: string) => boolean) {}

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    const agg = ctx.response.aggregations?.[this.panel.id] as AggResult | undefined;
    const buckets = agg?.buckets ?? [];
    if (this.panel.style === 'table') {
      this.renderTable(ctx, buckets);
      return;
    }
    if (!buckets.length) {
      this.showEmpty();
      return;
    }
    if (!this.chart || this.dark !== ctx.dark) {
      this.chart?.dispose();
      this.body.replaceChildren();
      this.dark = ctx.dark;
      this.chart = createChart(this.body, ctx.dark);
      // The handler reads this.ctx: the chart outlives the context of the search it was made in.
      this.chart.on('click', (p: unknown) => {
        const params = p as { name?: string; data?: { filterable?: boolean } };
        if (params.name && params.data?.filterable !== false) {
          this.ctx?.addFilter(this.panel.field!, params.name);
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
        // Room outside the ring for labels such as "United States" in a third of a screen.
        type: 'pie', radius: ['30%', '58%'], center: ['50%', '52%'], data: pieData,
        // Labels along the panel's edges, so none is cut off by them.
        label: { color: colors.text, formatter: '{b}', alignTo: 'edge', edgeDistance: 6, width: 96,
                 overflow: 'truncate', minMargin: 2 },
        labelLine: { length: 8, length2: 6 }, minShowLabelAngle: 6,
      }],
    }, { notMerge: true });
  }

  // Says why there is nothing to draw, instead of empty axes.
  private showEmpty(): void {
    this.chart?.dispose();
    this.chart = undefined;
    const box = el('div', 'panel-empty');
    box.appendChild(el('p', undefined, `No values of ${this.panel.field} in this range.`));
    if (this.panel.empty_hint) box.appendChild(el('p', 'muted', this.panel.empty_hint));
    this.body.replaceChildren(box);
  }

  private renderTable(ctx: RenderContext, buckets: Bucket[]): void {
    if (!buckets.length) {
      this.showEmpty();
      return;
    }
    const columns = (this.panel.columns ?? []).filter((c) => this.known(c.field));
    const countryCol = columns.findIndex((c) => c.kind === 'country');
    const nameCol = columns.findIndex((c, i) => i !== countryCol && /country_name$/.test(c.field));
    const table = el('table', 'terms-table');
    const head = table.createTHead().insertRow();
    const th = (t: string, cls?: string) => head.appendChild(el('th', cls, t)).setAttribute('scope', 'col');
    th(this.panel.title.replace(/^Top /, ''));
    columns.forEach((c, i) => { if (i !== nameCol) th(c.label); });
    const activity = !!this.panel.activity;
    if (activity) {
      th('First seen');
      th('Last seen');
      th('Activity');
    }
    th('Count', 'num');
    const tbody = table.createTBody();
    for (const b of buckets) {
      const tr = tbody.insertRow();
      const value = displayValue(b.key);
      const button = el('button', 'link', value);
      button.title = `Filter on ${this.panel.field}: ${value}`;
      button.addEventListener('click', () => ctx.addFilter(this.panel.field!, value));
      const first = tr.insertCell();
      first.appendChild(button);
      if (this.panel.ip_details) {
        const details = el('button', 'icon details', '🔎');
        details.title = `Details of ${value}`;
        details.setAttribute('aria-label', `Details of ${value}`);
        details.addEventListener('click', () => ctx.openIp(value));
        first.appendChild(details);
      }
      columns.forEach((c, i) => {
        if (i === nameCol) return;
        let text = topKey(b, `c${i}`);
        if (i === countryCol) {
          const name = nameCol >= 0 ? topKey(b, `c${nameCol}`) : '';
          text = [flagEmoji(text), name || text].filter(Boolean).join(' ');
        }
        tr.insertCell().textContent = text;
      });
      if (activity) {
        const seen = b.seen as { min?: number | null; max?: number | null } | undefined;
        for (const ms of [seen?.min, seen?.max]) {
          const cell = tr.insertCell();
          cell.className = 'seen';
          if (ms == null) continue;
          const full = formatTime(ms, ctx.utc);
          cell.textContent = full.slice(5, 16); // "11-27 18:17": the year and seconds on hover
          cell.title = full;
        }
        tr.insertCell().appendChild(sparkline(b, ctx.range));
      }
      const count = tr.insertCell();
      count.className = 'num';
      count.textContent = formatCount(b.doc_count);
      count.title = formatExact(b.doc_count);
    }
    // Wide tables scroll inside the panel on a phone instead of widening the page.
    const wrap = el('div', 'table-scroll');
    wrap.appendChild(table);
    this.body.replaceChildren(wrap);
  }

  resize(): void {
    this.chart?.resize();
  }

  dispose(): void {
    this.chart?.dispose();
  }
}
