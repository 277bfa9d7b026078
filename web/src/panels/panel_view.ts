// What every panel kind implements, and what it is given to draw from. A view owns its DOM
// element and chart; the app calls update() after each search and dispose() before rebuilding.
import type { SearchResponse } from '../api';
import type { Panel } from '../dashboard_model';
import type { FieldSet } from '../field_set';

export interface RenderContext {
  response: SearchResponse;
  // The same query over the range just before this one (as long), for metric panels' change;
  // absent when no metric panel asked for it.
  previous?: SearchResponse;
  fields: FieldSet;
  utc: boolean;
  dark: boolean;
  range: { from: number; to: number };
  addFilter(field: string, value: string, negate?: boolean): void;
  setAbsoluteRange(from: number, to: number): void;
  openIp(ip: string): void; // the IP detail view
}

export interface PanelView {
  update(ctx: RenderContext): void;
  resize(): void;
  dispose(): void;
}

// The aggregations a panel needs, keyed by a name unique in the request.
export type AggRequest = Record<string, unknown>;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, className?: string, text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
