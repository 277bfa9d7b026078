// A dashboard is a JSON document of rows of panels and the filters it opens with; the built-in
// "SSH scanners" one is made for whichever field names the events use. Plain data, validated
// when imported or fetched, edited in place by the edit mode (the move/resize functions below).
import type { FieldSet } from './field_set';
import type { Filter } from './filters';

export type PanelKind = 'histogram' | 'terms' | 'map' | 'table' | 'metric';
export type TermsStyle = 'pie' | 'bar' | 'table';

export interface MetricSpec {
  label: string;
  type: 'count' | 'cardinality';
  field?: string;
}

export interface Panel {
  id: string;
  kind: PanelKind;
  title: string;
  span: number; // of 12 columns
  field?: string; // terms: the field; histogram: the field to stack by
  size?: number; // terms: top N
  style?: TermsStyle;
  metrics?: MetricSpec[]; // metric
  // terms table: extra columns, each the top value of a field within the bucket
  columns?: { label: string; field: string; kind?: 'country' }[];
  // terms table of addresses: a button per row opens the IP detail view
  ip_details?: boolean;
  // terms table: first and last seen and a sparkline of each value over the range
  activity?: boolean;
  // map: fields of country code / name / location
  country_field?: string;
  country_name_field?: string;
  location_field?: string;
  // shown instead of an empty chart when the field has no values in the range
  empty_hint?: string;
  // this panel's own query, ANDed with the page's (aggregation panels; not the log table)
  query?: string;
}

export interface Row {
  title: string;
  height: number; // px
  panels: Panel[];
}

export interface Dashboard {
  id: string;
  title: string;
  // Filter pills the dashboard opens with (the default one hides the owner's own addresses).
  filters?: Filter[];
  rows: Row[];
}

export const kPanelKinds: PanelKind[] = ['histogram', 'terms', 'map', 'table', 'metric'];
export const kTermsStyles: TermsStyle[] = ['pie', 'bar', 'table'];
export const kDefaultDashboardId = 'ssh-scanners';
// Row heights the edit mode offers between: a chart needs ~120 px, a screen is ~1200.
export const kMinRowHeight = 120;
export const kMaxRowHeight = 1200;

export function defaultDashboard(f: FieldSet): Dashboard {
  return {
    id: kDefaultDashboardId,
    title: 'SSH scanners',
    // The owner's own addresses (settings' [pipeline] ignore) are tagged "ignored": left out
    // until the pill is disabled or removed.
    filters: [{ field: f.tags, value: 'ignored', negate: true, disabled: false }],
    rows: [
      {
        title: 'Overview',
        height: 240,
        panels: [
          { id: 'metrics', kind: 'metric', title: 'Totals', span: 3, metrics: [
            { label: 'Events', type: 'count' },
            { label: 'Distinct source IPs', type: 'cardinality', field: f.sourceIp },
            { label: 'Distinct countries', type: 'cardinality', field: f.countryCode },
          ] },
          { id: 'histogram', kind: 'histogram', title: 'Events over time', span: 9, field: f.transport },
        ],
      },
      {
        title: 'Where they come from',
        height: 420,
        panels: [
          { id: 'map', kind: 'map', title: 'SSH scanners', span: 8, country_field: f.countryCode,
            country_name_field: f.countryName, location_field: f.location },
          { id: 'countries', kind: 'terms', title: 'Scanning countries', span: 4, style: 'pie',
            field: f.countryName, size: 10 },
        ],
      },
      {
        title: 'Top talkers',
        height: 360,
        panels: [
          { id: 'sources', kind: 'terms', title: 'Top source IPs', span: 6, style: 'table',
            field: f.sourceIp, size: 10, ip_details: true, activity: true, columns: [
              { label: 'Country', field: f.countryCode, kind: 'country' },
              { label: 'Country name', field: f.countryName },
              { label: 'AS', field: f.asOrganization },
            ] },
          { id: 'ports', kind: 'terms', title: 'Top destination ports', span: 3, style: 'bar',
            field: f.destinationPort, size: 10 },
          { id: 'usernames', kind: 'terms', title: 'Top usernames tried', span: 3, style: 'bar',
            field: f.userName, size: 10,
            empty_hint: 'No SSH login attempts in this range. Usernames come from sshd lines: ' +
              'add the auth log to [pipeline] auth_logs in perimeter.toml (default ' +
              '/var/log/auth.log) and make it readable by perimeter.' },
        ],
      },
      {
        title: 'Events',
        height: 0,
        panels: [{ id: 'log', kind: 'table', title: 'Events', span: 12 }],
      },
    ],
  };
}

// Throws with a message naming what is wrong, for imported or fetched documents.
export function validateDashboard(doc: unknown): Dashboard {
  const d = doc as Dashboard;
  if (!d || typeof d !== 'object' || !Array.isArray(d.rows)) {
    throw new Error('a dashboard is an object with "rows": [{"title", "height", "panels": [...]}]');
  }
  if (typeof d.title !== 'string') d.title = 'Untitled';
  if (typeof d.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(d.id)) d.id = 'imported';
  if (d.filters !== undefined) {
    if (!Array.isArray(d.filters)) throw new Error('"filters" must be a list of {field, value, negate}');
    d.filters = d.filters.map((f, i) => {
      if (!f || typeof f.field !== 'string' || f.value === undefined) {
        throw new Error(`filter ${i + 1}: needs "field" and "value"`);
      }
      return { field: f.field, value: String(f.value), negate: !!f.negate, disabled: !!f.disabled };
    });
  }
  const ids = new Set<string>();
  d.rows.forEach((row, r) => {
    if (!row || typeof row !== 'object') throw new Error(`row ${r + 1}: must be an object`);
    if (!Array.isArray(row.panels)) throw new Error(`row ${r + 1}: "panels" must be a list`);
    if (typeof row.title !== 'string') row.title = '';
    row.height = Number(row.height) || 0;
    if (row.height) row.height = Math.min(kMaxRowHeight, Math.max(kMinRowHeight, row.height));
    row.panels.forEach((p, i) => {
      if (!p || !kPanelKinds.includes(p.kind)) {
        throw new Error(`row ${r + 1}, panel ${i + 1}: kind must be one of ${kPanelKinds.join(', ')}`);
      }
      if (p.kind === 'terms' && !p.field) throw new Error(`row ${r + 1}, panel ${i + 1}: terms needs "field"`);
      if (p.style !== undefined && !kTermsStyles.includes(p.style)) {
        throw new Error(`row ${r + 1}, panel ${i + 1}: style must be one of ${kTermsStyles.join(', ')}`);
      }
      // Panel ids name the aggregations of the one search: they must be unique.
      if (!p.id || typeof p.id !== 'string' || ids.has(p.id)) p.id = `p${r}_${i}`;
      ids.add(p.id);
      if (typeof p.title !== 'string') p.title = p.kind;
      p.span = Math.min(12, Math.max(1, Number(p.span) || 6));
    });
  });
  return d;
}

// --- edits (in place; the caller rebuilds the screen) ---------------------------------------

export function movePanel(d: Dashboard, row: number, index: number, by: -1 | 1): void {
  const panels = d.rows[row].panels;
  const to = index + by;
  if (to >= 0 && to < panels.length) {
    [panels[index], panels[to]] = [panels[to], panels[index]];
  } else if (to < 0 && row > 0) {
    d.rows[row - 1].panels.push(...panels.splice(index, 1));
  } else if (to >= panels.length && row + 1 < d.rows.length) {
    d.rows[row + 1].panels.unshift(...panels.splice(index, 1));
  }
}

export function moveRow(d: Dashboard, row: number, by: -1 | 1): void {
  const to = row + by;
  if (to < 0 || to >= d.rows.length) return;
  [d.rows[row], d.rows[to]] = [d.rows[to], d.rows[row]];
}

export function resizePanel(panel: Panel, by: number): void {
  panel.span = Math.min(12, Math.max(1, panel.span + by));
}

export function resizeRow(row: Row, by: number): void {
  if (row.height === 0) return; // a row of tables grows with its content
  row.height = Math.min(kMaxRowHeight, Math.max(kMinRowHeight, row.height + by));
}

// A panel id not used yet in the dashboard.
export function newPanelId(d: Dashboard, base: string): string {
  const used = new Set(d.rows.flatMap((r) => r.panels.map((p) => p.id)));
  const stem = base.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 'panel';
  for (let i = 1; ; i++) {
    const id = i === 1 ? stem : `${stem}_${i}`;
    if (!used.has(id)) return id;
  }
}
