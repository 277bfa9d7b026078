// The dashboard's only way to the server: same-origin JSON requests with the session cookie
// and, on state-changing methods, the CSRF token from GET /api/v1/session.

export interface Session {
  user: string;
  role: 'admin' | 'viewer' | string;
  csrf_token?: string;
}

export interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  centroid?: { lat: number; lon: number };
  location?: { lat: number; lon: number };
  [sub: string]: unknown;
}

export interface AggResult {
  buckets?: Bucket[];
  sum_other_doc_count?: number;
  value?: number;
  interval?: string;
}

export interface Hit {
  _id: string;
  _source: Record<string, unknown>;
  sort?: unknown[];
}

export interface SearchResponse {
  took: number;
  hits: { total: number | { value: number }; hits: Hit[] };
  aggregations?: Record<string, AggResult>;
}

export interface StoreStats {
  store: { events: number; newest_event?: string };
}

export interface DashboardListItem {
  id: string;
  title?: string;
}

export interface FieldDescription {
  name: string;
  type: string;
}

// A refusal from the server with its reason ("column 7: expected ...").
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

let csrfToken = '';

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    window.location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    throw new ApiError(401, 'session expired: log in again');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: reported below with the status.
  }
  if (!response.ok) {
    const err = (parsed as { error?: { reason?: string } | string } | undefined)?.error;
    const reason = typeof err === 'string' ? err : err?.reason ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, reason);
  }
  return parsed as T;
}

export async function loadSession(): Promise<Session> {
  const s = await request<Session>('GET', '/api/v1/session');
  csrfToken = s.csrf_token ?? '';
  return s;
}

export const api = {
  search: (body: unknown) => request<SearchResponse>('POST', '/api/v1/search', body),
  // The same as search with no hits by default: totals and aggregations only.
  aggregate: (body: unknown) => request<SearchResponse>('POST', '/api/v1/aggregate', body),
  fields: () => request<FieldDescription[] | { fields: FieldDescription[] }>('GET', '/api/v1/fields'),
  dashboards: () => request<DashboardListItem[]>('GET', '/api/v1/dashboards'),
  dashboard: (id: string) => request<unknown>('GET', '/api/v1/dashboards/' + encodeURIComponent(id)),
  saveDashboard: (id: string, doc: unknown) =>
    request<unknown>('PUT', '/api/v1/dashboards/' + encodeURIComponent(id), doc),
  deleteDashboard: (id: string) => request<unknown>('DELETE', '/api/v1/dashboards/' + encodeURIComponent(id)),
  stats: () => request<StoreStats>('GET', '/api/v1/stats'),
  logout: () => request<unknown>('POST', '/logout'),
};

export function totalOf(r: SearchResponse): number {
  const t = r.hits.total;
  return typeof t === 'number' ? t : t.value;
}
