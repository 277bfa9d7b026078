// Big numbers: the event count (the search's total) and distinct counts.
import type { AggResult, SearchResponse } from '../api';
import { totalOf } from '../api';
import type { Panel } from '../dashboard_model';
import { formatCount, formatExact } from '../format';
import { type AggRequest, el, type PanelView, type RenderContext } from './panel_view';

export function metricAggs(panel: Panel, known: (field: string) => boolean): AggRequest {
  const aggs: AggRequest = {};
  (panel.metrics ?? []).forEach((m, i) => {
    if (m.type === 'cardinality' && m.field && known(m.field)) {
      aggs[`${panel.id}_${i}`] = { cardinality: { field: m.field } };
    }
  });
  return aggs;
}

// "▲ 12% vs. previous range" (or ▼, or "= …"); "new" when the range before had none.
function changeLine(now: number, before: number): HTMLElement {
  const line = el('small', 'metric-change');
  let text: string;
  if (before === 0) {
    text = now === 0 ? '= previous range' : 'none in the previous range';
  } else {
    const pct = ((now - before) / before) * 100;
    const sign = pct > 0.05 ? '▲' : pct < -0.05 ? '▼' : '=';
    text = `${sign} ${Math.abs(pct).toFixed(Math.abs(pct) < 10 ? 1 : 0)}% vs. previous range`;
    line.classList.add(pct > 0.05 ? 'up' : pct < -0.05 ? 'down' : 'same');
  }
  line.textContent = text;
  line.title = `previous range: ${formatExact(before)}`;
  return line;
}

export class MetricPanel implements PanelView {
  constructor(private readonly panel: Panel, private readonly body: HTMLElement) {}

  update(ctx: RenderContext): void {
    const list = el('dl', 'metrics');
    const valueIn = (response: SearchResponse | undefined, i: number, type: string) => {
      if (!response) return undefined;
      if (type === 'count') return totalOf(response);
      return (response.aggregations?.[`${this.panel.id}_${i}`] as AggResult | undefined)?.value;
    };
    (this.panel.metrics ?? []).forEach((m, i) => {
      const value = valueIn(ctx.response, i, m.type);
      const before = valueIn(ctx.previous, i, m.type);
      const item = el('div', 'metric');
      item.appendChild(el('dt', undefined, m.label));
      const dd = el('dd', undefined, value === undefined ? '–' : formatCount(value));
      dd.dataset.metric = m.label;
      if (value !== undefined) dd.title = formatExact(value);
      item.appendChild(dd);
      if (value !== undefined && before !== undefined) {
        item.appendChild(changeLine(value, before));
      }
      list.appendChild(item);
    });
    this.body.replaceChildren(list);
  }

  resize(): void {}
  dispose(): void {}
}
