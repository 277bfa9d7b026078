// A stand-in for `perimeter serve` for the fast UI test: serves web/dist with the real server's
// Content-Security-Policy, a login page and session cookie, and the API computed over a small
// deterministic set of events (ECS names), so answers change with the query like the real ones.
// Usage: node tests/browser/mock_server.mjs [PORT]  (or import { startMockServer }).
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../../web/dist');
const kCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const kTypes = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml' };
const kSession = 'mock-session-1';
const kCsrf = 'mock-csrf-token';

// Deterministic events over the last 24 hours.
export function makeEvents(now) {
  const countries = [['CN', 'China', 35, 105], ['US', 'United States', 38, -97], ['RU', 'Russia', 60, 90],
    ['BR', 'Brazil', -10, -55], ['DE', 'Germany', 51, 10], ['IN', 'India', 21, 78], ['KR', 'South Korea', 36, 128],
    ['NL', 'Netherlands', 52, 5], ['VN', 'Vietnam', 16, 107], ['FR', 'France', 46, 2], ['ID', 'Indonesia', -2, 118],
    ['GB', 'United Kingdom', 54, -2]];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const events = [];
  for (let i = 0; i < 400; i++) {
    const c = countries[Math.floor(Math.pow(rand(), 2) * countries.length)];
    const ip = `${10 + (i % 7) * 13}.${Math.floor(rand() * 4)}.${c[0].charCodeAt(0)}.${1 + (i % 23)}`;
    const ts = now - Math.floor(rand() * 86_400_000);
    const port = [22, 22, 22, 23, 2222, 80, 443, 3389][Math.floor(rand() * 8)];
    const proto = rand() < 0.85 ? 'tcp' : 'udp';
    events.push({
      '@timestamp': new Date(ts).toISOString(),
      message: `kernel: IN=eth0 OUT= SRC=${ip} DST=192.0.2.1 PROTO=${proto.toUpperCase()} SPT=${40000 + i} DPT=${port}`,
      source: { ip, port: 40000 + i, geo: { country_iso_code: c[0], country_name: c[1],
        location: { lat: c[2] + (rand() - 0.5) * 4, lon: c[3] + (rand() - 0.5) * 4 } },
        ...(i % 3 ? { as: { number: 4000 + (i % 5), organization: { name: `Example AS ${i % 5}` } } } : {}) },
      destination: { ip: '192.0.2.1', port },
      network: { transport: proto },
      _id: `ev${i}`,
    });
  }
  return events.sort((a, b) => Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']) || (a._id < b._id ? -1 : 1));
}

function get(e, path) {
  let v = e;
  for (const k of path.split('.')) v = v?.[k];
  return v;
}

// The subset of the query language the mock understands: clauses joined by AND, each
// `field:value` / `field:"value"` / `NOT clause` / `(clause)` / a bare word matched in message.
function parseQuery(text) {
  const clauses = [];
  const re = /\s*(NOT\s+)?\(?\s*([A-Za-z0-9_.@\\-]+)(?::("(?:[^"\\]|\\.)*"|[^\s()]+))?\s*\)?\s*(AND\s+|$)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || re.lastIndex === pos) {
      return { error: `column ${pos + 1}: expected a field, a term or a quoted phrase` };
    }
    if (m[3] === undefined && /:\s*$/.test(text.slice(pos, re.lastIndex))) {
      return { error: `column ${re.lastIndex}: expected a value after ':'` };
    }
    const field = m[2].replace(/\\(.)/g, '$1');
    let value = m[3];
    if (value?.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    clauses.push({ negate: !!m[1], field: value === undefined ? 'message' : field, value: value ?? field });
    pos = re.lastIndex;
  }
  if ((text.match(/\(/g) || []).length !== (text.match(/\)/g) || []).length) {
    return { error: `column ${text.length + 1}: expected ')'` };
  }
  return { clauses };
}

function matches(e, clauses) {
  return clauses.every((c) => {
    const v = get(e, c.field);
    const hit = c.field === 'message' ? String(v ?? '').includes(c.value) : v !== undefined && String(v) === c.value;
    return c.negate ? !hit : hit;
  });
}

function aggregate(events, spec, range) {
  const out = {};
  for (const [name, def] of Object.entries(spec ?? {})) {
    if (def.cardinality) {
      out[name] = { value: new Set(events.map((e) => get(e, def.cardinality.field)).filter((v) => v !== undefined)).size };
    } else if (def.terms) {
      const groups = new Map();
      for (const e of events) {
        const v = get(e, def.terms.field);
        if (v === undefined) continue;
        if (!groups.has(v)) groups.set(v, []);
        groups.get(v).push(e);
      }
      const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || String(a[0]).localeCompare(String(b[0])));
      const top = sorted.slice(0, def.terms.size ?? 10);
      out[name] = {
        buckets: top.map(([key, es]) => ({ key, doc_count: es.length, ...aggregate(es, def.aggs, range) })),
        sum_other_doc_count: sorted.slice(top.length).reduce((n, [, es]) => n + es.length, 0),
      };
    } else if (def.date_histogram) {
      const step = 3_600_000;
      const buckets = [];
      for (let t = Math.floor(range.from / step) * step; t < range.to; t += step) {
        const es = events.filter((e) => { const ts = Date.parse(e['@timestamp']); return ts >= t && ts < t + step; });
        buckets.push({ key: t, key_as_string: new Date(t).toISOString(), doc_count: es.length, ...aggregate(es, def.aggs, range) });
      }
      out[name] = { interval: '1h', buckets };
    } else if (def.geo_grid) {
      const cells = new Map();
      for (const e of events) {
        const loc = get(e, def.geo_grid.field);
        if (!loc) continue;
        const key = `3/${Math.floor((loc.lon + 180) / 45)}/${Math.floor((90 - loc.lat) / 22.5)}`;
        const c = cells.get(key) ?? { key, doc_count: 0, lat: 0, lon: 0 };
        c.doc_count++; c.lat += loc.lat; c.lon += loc.lon;
        cells.set(key, c);
      }
      out[name] = { buckets: [...cells.values()].map((c) => ({ key: c.key, doc_count: c.doc_count,
        centroid: { lat: c.lat / c.doc_count, lon: c.lon / c.doc_count } })) };
    }
  }
  return out;
}

function search(all, body) {
  const parsed = parseQuery(String(body.query ?? '').trim());
  if (parsed.error) return [400, { error: { status: 400, reason: parsed.error } }];
  const range = { from: Number(body.from), to: Number(body.to) };
  const events = all.filter((e) => {
    const ts = Date.parse(e['@timestamp']);
    return ts >= range.from && ts < range.to && matches(e, parsed.clauses);
  });
  let start = 0;
  if (Array.isArray(body.search_after)) {
    start = events.findIndex((e) => e._id === body.search_after[1]) + 1;
  }
  const page = events.slice(start, start + (body.size ?? 10));
  return [200, {
    took: 1,
    hits: { total: events.length, hits: page.map((e) => {
      const { _id, ...source } = e;
      return { _id, _source: source, sort: [Date.parse(e['@timestamp']), _id, 0] };
    }) },
    aggregations: aggregate(events, body.aggs, range),
  }];
}

const kFields = [['@timestamp', 'date'], ['message', 'string'], ['source.ip', 'ip'], ['source.port', 'long'],
  ['source.geo.country_iso_code', 'string'], ['source.geo.country_name', 'string'],
  ['source.geo.location', 'geo_point'], ['source.as.number', 'long'], ['source.as.organization.name', 'string'],
  ['destination.ip', 'ip'], ['destination.port', 'long'], ['network.transport', 'string']]
  .map(([name, type]) => ({ name, type }));

export function startMockServer(port = 0) {
  const events = makeEvents(Date.now());
  const log = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const send = (status, body, type = 'application/json', headers = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': kCsp,
        'X-Content-Type-Options': 'nosniff', ...headers });
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const authed = (req.headers.cookie ?? '').includes(`session=${kSession}`);
      if (url.pathname === '/login' && req.method === 'GET') {
        return send(200, '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log in</title></head>' +
          '<body><form method="post" action="/login"><input type="hidden" name="next" value="/">' +
          '<label for="user">User</label><input id="user" name="user"><label for="password">Password</label>' +
          '<input id="password" name="password" type="password"><button type="submit">Log in</button></form></body></html>',
          'text/html; charset=utf-8');
      }
      if (url.pathname === '/login' && req.method === 'POST') {
        const form = new URLSearchParams(raw);
        if (form.get('user') !== 'admin' || form.get('password') !== 'secret') return send(401, 'wrong', 'text/plain');
        return send(303, '', 'text/plain', { Location: '/', 'Set-Cookie': `session=${kSession}; Path=/; HttpOnly; SameSite=Strict` });
      }
      if (!authed) {
        if (url.pathname.startsWith('/api/')) return send(401, { error: { status: 401, reason: 'authentication required' } });
        return send(303, '', 'text/plain', { Location: '/login?next=' + encodeURIComponent(url.pathname) });
      }
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'GET' && req.headers['x-csrf-token'] !== kCsrf) {
          return send(403, { error: { status: 403, reason: 'missing or wrong CSRF token' } });
        }
        const body = raw ? JSON.parse(raw) : undefined;
        log.push({ method: req.method, path: url.pathname, body });
        if (url.pathname === '/api/v1/session') return send(200, { user: 'admin', role: 'admin', csrf_token: kCsrf });
        if (url.pathname === '/api/v1/fields') return send(200, kFields);
        if (url.pathname === '/api/v1/search' && req.method === 'POST') {
          const [status, answer] = search(events, body);
          return send(status, answer);
        }
        if (url.pathname === '/api/v1/tail') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
          const { _id, ...source } = events[0];
          res.write(`data: ${JSON.stringify({ ...source, '@timestamp': new Date().toISOString(), message: 'live tail event' })}\n\n`);
          return; // left open like a real stream; closed with the server
        }
        return send(404, { error: { status: 404, reason: 'no such endpoint' } });
      }
      const path = url.pathname === '/' ? '/index.html' : url.pathname;
      const file = normalize(join(dist, path));
      if (!file.startsWith(dist) || !existsSync(file)) return send(404, 'not found', 'text/plain');
      const ext = path.slice(path.lastIndexOf('.'));
      return send(200, readFileSync(file), kTypes[ext] ?? 'application/octet-stream');
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, log, events, user: 'admin', password: 'secret',
        close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startMockServer(Number(process.argv[2] ?? 8080));
  console.log(`mock Perimeter at ${s.url} (user admin, password secret)`);
}
