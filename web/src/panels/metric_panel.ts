// Big numbers: the event count (the search's total) and distinct counts.
import type { AggResult } from '../api';
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

export class MetricPanel implements PanelView {
  constructor(private readonly panel: Panel, private readonly body: HTMLElement) {}

  update(ctx: RenderContext): void {
    const list = el('dl', 'metrics');
    (this.panel.metrics ?? []).forEach((m, i) => {
      let value: number | undefined;
      if (m.type === 'count') value = totalOf(ctx.response);
      else value = (ctx.response.aggregations?.[`${this.panel.id}_${i}`] as AggResult | undefined)?.value;
      const item = el('div', 'metric');
      item.appendChild(el('dt', undefined, m.label));
      const dd = el('dd', undefined, value === undefined ? '–' : formatCount(value));
      dd.dataset.metric = m.label;
      if (value !== undefined) dd.title = formatExact(value);
      item.appendChild(dd);
      list.appendChild(item);
    });
    this.body.replaceChildren(list);
  }

  resize(): void {}
  dispose(): void {}
}
