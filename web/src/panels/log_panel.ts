// The events themselves, newest first: expand a row for its JSON and a field table with
// filter-in/out buttons, page back with search_after, or follow new events live (SSE).
import type { Hit } from '../api';
import type { Panel } from '../dashboard_model';
import type { FieldSet } from '../field_set';
import { displayValue, flagEmoji, formatTime, getField } from '../format';
import { el, type PanelView, type RenderContext } from './panel_view';

export const kPageSize = 50;
// Live rows kept on screen: older ones fall off so a busy tail cannot exhaust the page.
const kMaxLiveRows = 500;

export interface LogSource {
  page(searchAfter: unknown[] | undefined): Promise<Hit[]>;
  tailUrl(): string;
  onLiveEvents(): void; // new events arrived on the tail
}

// Leaf paths of an event, "source.geo.country_name" style.
function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
}

export class LogPanel implements PanelView {
  private ctx: RenderContext | undefined;
  private readonly tbody: HTMLTableSectionElement;
  private readonly pager = el('div', 'pager');
  private readonly newer = el('button', undefined, '← Newer');
  private readonly older = el('button', undefined, 'Older →');
  private readonly pageLabel = el('span', 'muted');
  private readonly live = el('input');
  private cursors: (unknown[] | undefined)[] = [undefined]; // search_after of each page shown
  private lastSort: unknown[] | undefined;
  private tail: EventSource | undefined;
  private tailUrl = '';
  // Events that came on the live tail (id → arrival, epoch ms): still marked new when a
  // redraw replaces the rows with the search's.
  private readonly arrived = new Map<string, number>();

  constructor(private readonly panel: Panel, private readonly body: HTMLElement,
              private readonly fields: FieldSet, private readonly source: LogSource) {
    const table = el('table', 'log-table');
    const head = table.createTHead().insertRow();
    for (const t of ['', 'Time', 'Source', 'Country', 'Port', 'Proto', 'Message']) {
      head.appendChild(el('th', undefined, t)).setAttribute('scope', 'col');
    }
    this.tbody = table.createTBody();
    this.live.type = 'checkbox';
    this.live.id = `${panel.id}-live`;
    const liveLabel = el('label', 'live');
    liveLabel.append(this.live, ' Live tail');
    this.live.addEventListener('change', () => this.setLive(this.live.checked));
    this.newer.addEventListener('click', () => this.goPage(this.cursors.length - 2));
    this.older.addEventListener('click', () => this.goPage(this.cursors.length));
    this.pager.append(this.newer, this.pageLabel, this.older, liveLabel);
    const wrap = el('div', 'table-scroll');
    wrap.appendChild(table);
    this.body.replaceChildren(this.pager, wrap);
  }

  update(ctx: RenderContext): void {
    this.ctx = ctx;
    this.cursors = [undefined];
    // Reconnect only when the query changed: a new stream starts at "now" and would miss
    // what arrives while it connects.
    if (this.tail && this.source.tailUrl() !== this.tailUrl) this.setLive(true);
    this.show(ctx.response.hits.hits);
  }

  private async goPage(index: number): Promise<void> {
    if (index < 0) return;
    const after = index === this.cursors.length ? this.lastSort : this.cursors[index];
    const hits = await this.source.page(after);
    if (index === this.cursors.length) this.cursors.push(after);
    else this.cursors.length = index + 1;
    this.show(hits);
  }

  private show(hits: Hit[]): void {
    this.tbody.replaceChildren();
    for (const h of hits) this.tbody.append(...this.rows(h));
    this.lastSort = hits.length ? hits[hits.length - 1].sort : undefined;
    this.newer.disabled = this.cursors.length <= 1 || this.live.checked;
    this.older.disabled = hits.length < kPageSize || this.live.checked;
    this.pageLabel.textContent = this.live.checked ? 'live' : `page ${this.cursors.length}`;
    if (!hits.length) {
      const cell = this.tbody.insertRow().insertCell();
      cell.colSpan = 7;
      cell.textContent = 'No events';
    }
  }

  private rows(hit: Hit): HTMLTableRowElement[] {
    const f = this.fields;
    const e = hit._source;
    const tr = el('tr', 'log-row');
    const arrived = this.arrived.get(hit._id);
    if (arrived !== undefined) {
      tr.classList.add('live-new');
      tr.dataset.arrived = String(arrived);
    }
    const toggle = el('button', 'expand', '▸');
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-label', 'Show event details');
    tr.insertCell().appendChild(toggle);
    const ts = Date.parse(displayValue(getField(e, '@timestamp')));
    tr.insertCell().textContent = Number.isNaN(ts) ? '' : formatTime(ts, this.ctx?.utc ?? false);
    const ip = displayValue(getField(e, f.sourceIp));
    const ipCell = tr.insertCell();
    if (ip) {
      const open = el('button', 'link', ip);
      open.title = `Details of ${ip}`;
      open.addEventListener('click', () => this.ctx?.openIp(ip));
      ipCell.appendChild(open);
    }
    const code = displayValue(getField(e, f.countryCode));
    tr.insertCell().textContent = [flagEmoji(code), code].filter(Boolean).join(' ');
    tr.insertCell().textContent = displayValue(getField(e, f.destinationPort));
    tr.insertCell().textContent = displayValue(getField(e, f.transport));
    const msg = tr.insertCell();
    msg.className = 'message';
    msg.textContent = displayValue(getField(e, 'message') ?? getField(e, 'event.original'));
    msg.title = msg.textContent;
    const detail = el('tr', 'log-detail');
    detail.hidden = true;
    toggle.addEventListener('click', () => {
      const open = detail.hidden;
      if (open && !detail.firstChild) detail.appendChild(this.detailCell(hit));
      detail.hidden = !open;
      toggle.textContent = open ? '▾' : '▸';
      toggle.setAttribute('aria-expanded', String(open));
    });
    return [tr, detail];
  }

  private detailCell(hit: Hit): HTMLTableCellElement {
    const cell = el('td');
    cell.colSpan = 7;
    const pairs: [string, unknown][] = [];
    flatten(hit._source, '', pairs);
    const table = el('table', 'field-table');
    for (const [path, value] of pairs) {
      const row = table.insertRow();
      const actions = row.insertCell();
      actions.className = 'actions';
      const text = displayValue(value);
      for (const negate of [false, true]) {
        const b = el('button', 'icon', negate ? '−' : '+');
        b.setAttribute('aria-label', `${negate ? 'Filter out' : 'Filter for'} ${path}: ${text}`);
        b.title = negate ? 'Filter out this value' : 'Filter for this value';
        b.addEventListener('click', () => this.ctx?.addFilter(path, text, negate));
        actions.appendChild(b);
      }
      row.insertCell().textContent = path;
      row.insertCell().textContent = text;
    }
    const json = el('pre', 'json', JSON.stringify(hit._source, null, 2));
    cell.append(table, json);
    return cell;
  }

  private setLive(on: boolean): void {
    this.tail?.close();
    this.tail = undefined;
    if (on) {
      this.tailUrl = this.source.tailUrl();
      const tail = new EventSource(this.tailUrl);
      tail.onmessage = (m) => {
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(m.data);
        } catch {
          return;
        }
        const id = displayValue(event._id ?? '');
        const source = (event._source as Record<string, unknown> | undefined) ?? event;
        this.arrived.set(id, Date.now());
        if (this.arrived.size > kMaxLiveRows) this.arrived.delete(this.arrived.keys().next().value!);
        const rows = this.rows({ _id: id, _source: source });
        if (this.tbody.rows.length === 1 && !this.tbody.rows[0].classList.contains('log-row')) {
          this.tbody.replaceChildren(); // the "No events" row
        }
        this.tbody.prepend(...rows);
        while (this.tbody.rows.length > 2 * kMaxLiveRows) this.tbody.lastElementChild?.remove();
        this.pageLabel.textContent = 'live';
        this.source.onLiveEvents();
      };
      // Both a lost connection and the server's "error" event (a query it cannot tail, sent
      // before it closes the stream) arrive here; only the latter carries data.
      tail.onerror = (m) => {
        const data = (m as MessageEvent).data;
        if (typeof data === 'string' && data) {
          let reason = data;
          try {
            reason = JSON.parse(data).error ?? data;
          } catch {
            // not JSON: shown as it is
          }
          this.pageLabel.textContent = `live tail refused: ${reason}`;
          tail.close();
          return;
        }
        this.pageLabel.textContent = tail.readyState === EventSource.CLOSED ? 'live tail stopped' : 'reconnecting…';
      };
      this.tail = tail;
      this.pageLabel.textContent = 'live';
    } else {
      this.pageLabel.textContent = `page ${this.cursors.length}`;
    }
    this.newer.disabled = on || this.cursors.length <= 1;
    this.older.disabled = on;
  }

  resize(): void {}

  dispose(): void {
    this.tail?.close();
  }
}
