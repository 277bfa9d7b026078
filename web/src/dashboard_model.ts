// A dashboard is a JSON document of rows of panels; the built-in "SSH scanners" one is made
// for whichever field names the events use. Plain data, validated when imported.
import type { FieldSet } from './field_set';

export type PanelKind = 'histogram' | 'terms' | 'map' | 'table' | 'metric';

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
  style?: 'pie' | 'bar' | 'table';
  metrics?: MetricSpec[]; // metric
  // terms table: extra columns, each the top value of a field within the bucket
  columns?: { label: string; field: string; kind?: 'country' }[];
  // map: fields of country code / name / location
  country_field?: string;
  country_name_field?: string;
  location_field?: string;
}

export interface Row {
  title: string;
  height: number; // px
  panels: Panel[];
}

export interface Dashboard {
  id: string;
  title: string;
  rows: Row[];
}

export const kPanelKinds: PanelKind[] = ['histogram', 'terms', 'map', 'table', 'metric'];

export function defaultDashboard(f: FieldSet): Dashboard {
  return {
    id: 'ssh-scanners',
    title: 'SSH scanners',
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
          { id: 'sources', kind: 'terms', title: 'Top source IPs', span: 8, style: 'table',
            field: f.sourceIp, size: 10, columns: [
              { label: 'Country', field: f.countryCode, kind: 'country' },
              { label: 'Country name', field: f.countryName },
              { label: 'AS', field: f.asOrganization },
            ] },
          { id: 'ports', kind: 'terms', title: 'Top destination ports', span: 4, style: 'bar',
            field: f.destinationPort, size: 10 },
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
  d.rows.forEach((row, r) => {
    if (!Array.isArray(row.panels)) throw new Error(`row ${r + 1}: "panels" must be a list`);
    row.panels.forEach((p, i) => {
      if (!kPanelKinds.includes(p.kind)) {
        throw new Error(`row ${r + 1}, panel ${i + 1}: kind must be one of ${kPanelKinds.join(', ')}`);
      }
      if (p.kind === 'terms' && !p.field) throw new Error(`row ${r + 1}, panel ${i + 1}: terms needs "field"`);
      if (!p.id) p.id = `p${r}_${i}`;
      p.span = Math.min(12, Math.max(1, Number(p.span) || 6));
    });
  });
  return d;
}
