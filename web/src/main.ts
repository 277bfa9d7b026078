// The dashboard application: top bar (query, filters, time range, refresh), the panels of one
// dashboard, and one /api/v1/search per refresh carrying every panel's aggregations.
import { api, ApiError, type Hit, loadSession, type SearchResponse, totalOf } from './api';
import {
  type Dashboard, defaultDashboard, kDefaultDashboardId, type Panel, validateDashboard,
} from './dashboard_model';
import { chooseFieldSet, type FieldSet, kEcsFields } from './field_set';
import { composeQuery, errorColumn, type Filter } from './filters';
import { browserTimeZone, formatExact, formatTime, fromInputValue, toInputValue } from './format';
import { IpDetailView } from './ip_detail_view';
import { histogramAggs, HistogramPanel } from './panels/histogram_panel';
import { kPageSize, LogPanel } from './panels/log_panel';
import { mapAggs, MapPanel } from './panels/map_panel';
import { metricAggs, MetricPanel } from './panels/metric_panel';
import { type AggRequest, el, type PanelView, type RenderContext } from './panels/panel_view';
import { termsAggs, TermsPanel } from './panels/terms_panel';
import { kQuickRanges, resolveRange, type TimeRange } from './time_range';
import { DashboardEditor } from './dashboard_editor';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// Live tail: new events also redraw the charts, at most this often (one search each).
const kLiveRedrawMs = 1000;

class App {
  fields: FieldSet = kEcsFields;
  knownFields = new Set<string>();
  dashboard!: Dashboard;
  views: { panel: Panel; view: PanelView }[] = [];
  filters: Filter[] = [];
  range: TimeRange = { kind: 'relative', span: '24h' };
  utc = localStorage.getItem('perimeter.utc') === '1';
  dark = (localStorage.getItem('perimeter.theme') ??
    (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark';
  refreshTimer: number | undefined;
  lastResponse: SearchResponse | undefined;
  lastPrevious: SearchResponse | undefined; // the range before, for metric panels' change
  ownResponses = new Map<string, SearchResponse>(); // by panel query, for panels that have one
  lastResolved = { from: 0, to: 0 };
  generation = 0;
  isAdmin = false;
  editor: DashboardEditor | undefined;
  ipView: IpDetailView | undefined;
  liveRedraw: number | undefined;
  lastLiveRedraw = 0;
  livePending = false;
  // Saved dashboards on the server (id → title); the built-in one is always offered.
  saved = new Map<string, string>();

  async start(): Promise<void> {
    this.applyTheme();
    const session = await loadSession();
    this.isAdmin = session.role === 'admin';
    $('user-name').textContent = `${session.user} (${session.role})`;
    try {
      const list = await api.fields();
      const fields = Array.isArray(list) ? list : list.fields;
      this.knownFields = new Set(fields.map((f) => f.name));
      this.fields = chooseFieldSet(this.knownFields);
    } catch (err) {
      this.showError(`field list unavailable (${(err as Error).message}); assuming ECS names`);
    }
    this.wireTopBar();
    this.editor = new DashboardEditor(this, this.isAdmin);
    this.ipView = new IpDetailView($<HTMLDialogElement>('ip-detail'), {
      fields: this.fields,
      utc: () => this.utc,
      dark: () => this.dark,
      timeZone: () => this.timeZone(),
      range: () => this.lastResolved,
      addFilter: this.addFilter,
    });
    await this.loadDashboard(new URLSearchParams(location.hash.slice(1)).get('dashboard') ?? kDefaultDashboardId);
  }

  // A field is known when the store has it, or has fields below it: a geo point is stored as
  // its .lat and .lon. Before any event is stored, every field counts as known.
  known = (field: string): boolean => {
    if (this.knownFields.size === 0 || this.knownFields.has(field)) return true;
    const prefix = field + '.';
    for (const name of this.knownFields) if (name.startsWith(prefix)) return true;
    return false;
  };

  timeZone(): string {
    return this.utc ? 'UTC' : browserTimeZone();
  }

  // The saved dashboard of that id, else the built-in one; the picker lists both.
  async loadDashboard(id: string): Promise<void> {
    let doc: unknown = undefined;
    try {
      const list = await api.dashboards();
      this.saved = new Map(list.map((d) => [d.id, d.title ?? d.id]));
      if (this.saved.has(id)) doc = await api.dashboard(id);
    } catch (err) {
      this.showError(`saved dashboards unavailable (${(err as Error).message}); showing the built-in one`);
    }
    try {
      this.setDashboard(doc ?? defaultDashboard(this.fields));
    } catch (err) {
      this.showError(`dashboard "${id}" is damaged (${(err as Error).message}); showing the built-in one`);
      this.setDashboard(defaultDashboard(this.fields));
    }
  }

  renderPicker(): void {
    const picker = $<HTMLSelectElement>('dashboard-select');
    picker.replaceChildren();
    const ids = new Map(this.saved);
    if (!ids.has(kDefaultDashboardId)) ids.set(kDefaultDashboardId, defaultDashboard(this.fields).title);
    ids.set(this.dashboard.id, this.dashboard.title);
    for (const [id, title] of ids) {
      const builtIn = id === kDefaultDashboardId && !this.saved.has(id);
      picker.add(new Option(builtIn ? `${title} (built in)` : title, id, false, id === this.dashboard.id));
    }
    picker.hidden = ids.size < 2;
  }

  // --- top bar -------------------------------------------------------------------------------
  wireTopBar(): void {
    const rangeSelect = $<HTMLSelectElement>('range-select');
    for (const q of kQuickRanges) rangeSelect.add(new Option(q.label, q.span, q.span === '24h', q.span === '24h'));
    rangeSelect.add(new Option('Custom range…', 'custom'));
    rangeSelect.addEventListener('change', () => {
      if (rangeSelect.value === 'custom') {
        const r = resolveRange(this.range, Date.now());
        $<HTMLInputElement>('range-from').value = toInputValue(r.from, this.utc);
        $<HTMLInputElement>('range-to').value = toInputValue(r.to, this.utc);
        $('custom-range').hidden = false;
        $<HTMLInputElement>('range-from').focus();
      } else {
        $('custom-range').hidden = true;
        this.range = { kind: 'relative', span: rangeSelect.value };
        void this.refresh();
      }
    });
    $('range-apply').addEventListener('click', () => {
      const from = fromInputValue($<HTMLInputElement>('range-from').value, this.utc);
      const to = fromInputValue($<HTMLInputElement>('range-to').value, this.utc);
      if (!(from < to)) {
        this.showError('custom range: "from" must be before "to"');
        return;
      }
      this.setAbsoluteRange(from, to);
    });
    const tz = $<HTMLButtonElement>('tz-toggle');
    const showTz = () => {
      tz.textContent = this.utc ? 'UTC' : browserTimeZone();
      tz.setAttribute('aria-pressed', String(this.utc));
      tz.title = this.utc ? 'Times in UTC: click for your time zone' : 'Times in your time zone: click for UTC';
    };
    showTz();
    tz.addEventListener('click', () => {
      this.utc = !this.utc;
      localStorage.setItem('perimeter.utc', this.utc ? '1' : '0');
      showTz();
      void this.refresh();
    });
    const every = $<HTMLSelectElement>('refresh-select');
    every.addEventListener('change', () => {
      window.clearInterval(this.refreshTimer);
      const seconds = Number(every.value);
      if (seconds > 0) this.refreshTimer = window.setInterval(() => void this.refresh(), seconds * 1000);
    });
    $('refresh-now').addEventListener('click', () => void this.refresh());
    $('query-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.refresh();
    });
    $<HTMLInputElement>('query').addEventListener('input', () => this.clearQueryError());
    $('theme-toggle').addEventListener('click', () => {
      this.dark = !this.dark;
      localStorage.setItem('perimeter.theme', this.dark ? 'dark' : 'light');
      this.applyTheme();
      this.render();
    });
    $('logout').addEventListener('click', async () => {
      try {
        await api.logout();
      } finally {
        location.assign('/login');
      }
    });
    window.addEventListener('resize', () => this.views.forEach((v) => v.view.resize()));
    $<HTMLSelectElement>('dashboard-select').addEventListener('change', (e) => {
      const id = (e.target as HTMLSelectElement).value;
      history.replaceState(null, '', id === kDefaultDashboardId ? location.pathname : `#dashboard=${id}`);
      void this.loadDashboard(id);
    });
  }

  applyTheme(): void {
    document.documentElement.dataset.theme = this.dark ? 'dark' : 'light';
    $('theme-toggle').textContent = this.dark ? 'Light theme' : 'Dark theme';
  }

  setAbsoluteRange = (from: number, to: number): void => {
    this.range = { kind: 'absolute', from, to };
    const select = $<HTMLSelectElement>('range-select');
    select.value = 'custom';
    $('custom-range').hidden = false;
    $<HTMLInputElement>('range-from').value = toInputValue(from, this.utc);
    $<HTMLInputElement>('range-to').value = toInputValue(to, this.utc);
    void this.refresh();
  };

  // --- filters -------------------------------------------------------------------------------
  addFilter = (field: string, value: string, negate = false): void => {
    const same = this.filters.find((f) => f.field === field && f.value === value);
    if (same) {
      same.negate = negate;
      same.disabled = false;
    } else {
      this.filters.push({ field, value, negate, disabled: false });
    }
    this.renderFilters();
    void this.refresh();
  };

  renderFilters(): void {
    const bar = $('filter-bar');
    bar.replaceChildren();
    this.filters.forEach((f, i) => {
      const pill = el('span', 'pill' + (f.negate ? ' negated' : '') + (f.disabled ? ' disabled' : ''));
      pill.setAttribute('role', 'group');
      pill.append(el('span', 'pill-text', `${f.negate ? 'NOT ' : ''}${f.field}: ${f.value}`));
      const button = (label: string, text: string, action: () => void) => {
        const b = el('button', 'icon', text);
        b.setAttribute('aria-label', `${label} filter ${f.field}: ${f.value}`);
        b.title = label;
        b.addEventListener('click', () => {
          action();
          this.renderFilters();
          void this.refresh();
        });
        pill.appendChild(b);
      };
      button(f.negate ? 'Include' : 'Negate', '±', () => (f.negate = !f.negate));
      button(f.disabled ? 'Enable' : 'Disable', f.disabled ? '○' : '●', () => (f.disabled = !f.disabled));
      button('Remove', '×', () => this.filters.splice(i, 1));
      bar.appendChild(pill);
    });
    bar.hidden = this.filters.length === 0;
  }

  // --- layout --------------------------------------------------------------------------------
  build(): void {
    for (const v of this.views) v.view.dispose();
    this.views = [];
    $('dash-title').textContent = this.dashboard.title;
    const root = $('dashboard');
    root.replaceChildren();
    this.dashboard.rows.forEach((row, r) => {
      const section = el('section', 'row');
      section.setAttribute('aria-label', row.title);
      const header = el('div', 'row-header');
      header.appendChild(el('h2', undefined, row.title));
      this.editor?.decorateRow(header, r);
      section.appendChild(header);
      const grid = el('div', 'row-panels');
      row.panels.forEach((panel, p) => {
        const box = el('article', `panel panel-${panel.kind} span-${panel.span}`);
        box.dataset.panel = panel.id;
        const head = el('header', 'panel-header');
        head.appendChild(el('h3', undefined, panel.title));
        this.editor?.decoratePanel(head, r, p);
        const body = el('div', 'panel-body');
        // CSSOM, not a style attribute: the CSP refuses inline style attributes.
        if (row.height > 0 && panel.kind !== 'table' && panel.kind !== 'metric') {
          body.style.height = `${row.height}px`;
        }
        box.append(head, body);
        grid.appendChild(box);
        const view = this.createView(panel, body);
        if (view) this.views.push({ panel, view });
      });
      section.appendChild(grid);
      root.appendChild(section);
    });
  }

  createView(panel: Panel, body: HTMLElement): PanelView | undefined {
    switch (panel.kind) {
      case 'histogram': return new HistogramPanel(panel, body);
      case 'terms': return new TermsPanel(panel, body, this.known);
      case 'map': return new MapPanel(panel, body);
      case 'metric': return new MetricPanel(panel, body);
      case 'table':
        return new LogPanel(panel, body, this.fields, {
          page: (after) => this.page(after),
          tailUrl: () => '/api/v1/tail?query=' + encodeURIComponent(this.query().text),
          onLiveEvents: () => this.scheduleLiveRedraw(),
        });
    }
  }

  // New events arrived on the live tail: redraw the charts (a relative range moves with now)
  // so the map and the pies show them too — at once for the first, then at most once per
  // kLiveRedrawMs however busy the tail is.
  scheduleLiveRedraw(): void {
    if (this.range.kind !== 'relative') return;
    const now = Date.now();
    if (this.liveRedraw !== undefined) {
      this.livePending = true;
      return;
    }
    const wait = Math.max(0, this.lastLiveRedraw + kLiveRedrawMs - now);
    this.liveRedraw = window.setTimeout(() => {
      this.liveRedraw = undefined;
      this.lastLiveRedraw = Date.now();
      void this.refresh();
      if (this.livePending) {
        this.livePending = false;
        this.scheduleLiveRedraw();
      }
    }, wait);
  }

  // The aggregations of the panels without a query of their own (`ownQuery` undefined), or of
  // the panels with that query.
  aggregations(ownQuery?: string): AggRequest {
    const tz = this.timeZone();
    const aggs: AggRequest = {};
    for (const { panel } of this.views) {
      if ((panel.kind === 'table' ? undefined : panel.query?.trim() || undefined) !== ownQuery) continue;
      let part: AggRequest = {};
      if (panel.kind === 'histogram') part = histogramAggs({ ...panel, field: panel.field && this.known(panel.field) ? panel.field : undefined }, tz);
      else if (panel.kind === 'terms' && panel.field) part = termsAggs(panel, this.known);
      else if (panel.kind === 'map') part = mapAggs(panel, this.known);
      else if (panel.kind === 'metric') part = metricAggs(panel, this.known);
      Object.assign(aggs, part);
    }
    return aggs;
  }

  query() {
    return composeQuery($<HTMLInputElement>('query').value, this.filters);
  }

  // --- searching -----------------------------------------------------------------------------
  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const q = this.query();
    const resolved = resolveRange(this.range, Date.now());
    const body = {
      query: q.text, from: resolved.from, to: resolved.to, size: kPageSize,
      sort: '@timestamp:desc', aggs: this.aggregations(),
    };
    // Metric panels compare with the range just before: its totals come in the same round trip
    // (a second, small request sent alongside).
    const metricAggsOnly: AggRequest = {};
    for (const { panel } of this.views) {
      if (panel.kind === 'metric' && !panel.query?.trim()) {
        Object.assign(metricAggsOnly, metricAggs(panel, this.known));
      }
    }
    // Panels with a query of their own: one aggregation request per distinct query, sent with
    // the others (the page's query AND the panel's).
    const ownQueries = [...new Set(this.views
      .filter(({ panel }) => panel.kind !== 'table' && panel.query?.trim())
      .map(({ panel }) => panel.query!.trim()))];
    const ownRequests = ownQueries.map((own) => api.aggregate({
      query: q.text ? `(${q.text}) AND (${own})` : own, from: resolved.from, to: resolved.to,
      size: 0, aggs: this.aggregations(own),
    }).catch((err: Error) => ({ error: err.message })));
    const hasMetrics = this.views.some(({ panel }) => panel.kind === 'metric');
    const span = resolved.to - resolved.from;
    const previousBody = {
      query: q.text, from: resolved.from - span, to: resolved.from, size: 0, aggs: metricAggsOnly,
    };
    document.body.classList.add('loading');
    try {
      const [response, previous, ...own] = await Promise.all([
        api.search(body),
        hasMetrics ? api.aggregate(previousBody).catch(() => undefined) : Promise.resolve(undefined),
        ...ownRequests,
      ]);
      if (generation !== this.generation) return; // a newer refresh is on its way
      this.clearQueryError();
      this.showError('');
      this.lastResponse = response;
      this.lastPrevious = previous;
      this.ownResponses = new Map();
      ownQueries.forEach((text, i) => {
        const r = own[i] as SearchResponse | { error: string };
        if ('error' in r) this.showError(`the panel query “${text}” failed: ${r.error}`);
        else this.ownResponses.set(text, r);
      });
      this.lastResolved = resolved;
      this.render();
    } catch (err) {
      if (generation !== this.generation) return;
      if (err instanceof ApiError && err.status === 400) this.showQueryError(err.reason, q);
      else this.showError(`search failed: ${(err as Error).message}`);
    } finally {
      if (generation === this.generation) document.body.classList.remove('loading');
    }
  }

  async page(after: unknown[] | undefined): Promise<Hit[]> {
    const r = resolveRange(this.range, Date.now());
    const response = await api.search({
      query: this.query().text, from: this.range.kind === 'absolute' ? r.from : this.lastResolved.from,
      to: this.range.kind === 'absolute' ? r.to : this.lastResolved.to, size: kPageSize,
      sort: '@timestamp:desc', search_after: after,
    });
    return response.hits.hits;
  }

  render(): void {
    const response = this.lastResponse;
    if (!response) return;
    const total = totalOf(response);
    const empty = $('empty-state');
    empty.hidden = total > 0;
    if (total === 0) void this.explainEmpty();
    $('status').textContent = `${formatExact(total)} events · ${response.took} ms`;
    const ctx: RenderContext = {
      response, previous: this.lastPrevious, fields: this.fields, utc: this.utc, dark: this.dark, range: this.lastResolved,
      addFilter: this.addFilter, setAbsoluteRange: this.setAbsoluteRange,
      openIp: (ip) => void this.ipView?.open(ip),
    };
    for (const { panel, view } of this.views) {
      const own = panel.kind === 'table' ? undefined : panel.query?.trim() || undefined;
      const ownResponse = own === undefined ? undefined : this.ownResponses.get(own);
      if (own !== undefined && !ownResponse) continue; // its request failed: said above
      try {
        view.update(ownResponse ? { ...ctx, response: ownResponse, previous: undefined } : ctx);
      } catch (err) {
        this.showError(`a panel failed to draw: ${(err as Error).message}`);
      }
    }
  }

  // "No events in this range": says whether the store is empty or only this range is.
  async explainEmpty(): Promise<void> {
    const box = $('empty-state');
    let text = 'No events in this range — widen it, remove filters, or check that the pipeline is running.';
    try {
      const stats = (await api.stats()).store;
      const newest = stats.newest_event ? Date.parse(stats.newest_event) : NaN;
      text = stats.events > 0
        ? `No events in this range — widen it or remove filters. The store holds ${formatExact(stats.events)} events` +
          (Number.isNaN(newest) ? '.' : `, the newest at ${formatTime(newest, this.utc)}.`)
        : 'No events stored yet: check that the pipeline is running and can read its log files ' +
          '(perimeter run --firewall-log FILE), or send events to /_bulk.';
    } catch {
      // The short text stays.
    }
    box.textContent = text;
  }

  showQueryError(reason: string, q: ReturnType<typeof composeQuery>): void {
    const input = $<HTMLInputElement>('query');
    input.setAttribute('aria-invalid', 'true');
    const box = $('query-error');
    box.replaceChildren();
    const column = errorColumn(reason);
    const typed = input.value.trim();
    const at = column === undefined ? -1 : column - 1 - q.userOffset;
    if (at >= 0 && at <= typed.length) {
      const shown = el('code', 'query-echo');
      shown.append(typed.slice(0, at));
      shown.appendChild(el('mark', undefined, typed.slice(at, at + 1) || ' '));
      shown.append(typed.slice(at + 1));
      box.appendChild(shown);
      const start = input.value.indexOf(typed) + at;
      input.focus();
      input.setSelectionRange(start, start + 1);
    }
    box.appendChild(el('span', undefined, `Query error: ${reason}`));
    box.hidden = false;
  }

  clearQueryError(): void {
    $('query').removeAttribute('aria-invalid');
    $('query-error').hidden = true;
  }

  showError(message: string): void {
    const box = $('app-error');
    box.textContent = message;
    box.hidden = !message;
  }

  // Replaces the dashboard (import, load) and its filter pills, then searches again.
  setDashboard(doc: unknown): void {
    this.dashboard = validateDashboard(doc);
    this.filters = (this.dashboard.filters ?? []).map((f) => ({ ...f }));
    this.renderFilters();
    this.renderPicker();
    this.build();
    void this.refresh();
  }

  // After a save or a reset on the server.
  async dashboardsChanged(): Promise<void> {
    try {
      this.saved = new Map((await api.dashboards()).map((d) => [d.id, d.title ?? d.id]));
    } catch {
      // The picker keeps the last list.
    }
    this.renderPicker();
  }
}

const app = new App();
app.start().catch((err: Error) => {
  const box = document.getElementById('app-error');
  if (box) {
    box.textContent = `The dashboard could not start: ${err.message}`;
    box.hidden = false;
  }
});

export type { App };
