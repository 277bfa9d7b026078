// A stand-in for `perimeter serve` for the fast UI test: serves the built dashboard
// ($PERIMETER_WEB_DIST, default web/dist from `cd web && node build.mjs`) with the real server's
// Content-Security-Policy, a login page and session cookie, and the API computed over a small
// deterministic set of events (ECS names), so answers change with the query like the real ones.
// Usage: node tests/browser/mock_server.mjs [PORT]  (or import { startMockServer }).
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const dist = process.env.PERIMETER_WEB_DIST ?? join(here, '../../web/dist');
const kCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const kTypes = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml' };
const kSession = 'mock-session-1';
const kCsrf = 'mock-csrf-token';

// Deterministic events over the last 24 hours: firewall lines from scanners, sshd login
// attempts with usernames, one port scanner (tag port_scan) and the owner's own address
// (tag ignored), so every panel and the IP detail view have something to show.
export const kOwnerIp = '203.0.113.7';
export const kScannerIp = '198.51.100.99';
export function makeEvents(now) {
  const countries = [['CN', 'China', 35, 105], ['US', 'United States', 38, -97], ['RU', 'Russia', 60, 90],
    ['BR', 'Brazil', -10, -55], ['DE', 'Germany', 51, 10], ['IN', 'India', 21, 78], ['KR', 'South Korea', 36, 128],
    ['NL', 'Netherlands', 52, 5], ['VN', 'Vietnam', 16, 107], ['FR', 'France', 46, 2], ['ID', 'Indonesia', -2, 118],
    ['GB', 'United Kingdom', 54, -2]];
  const users = ['root', 'root', 'root', 'admin', 'admin', 'ubuntu', 'test', 'oracle', 'postgres', 'git'];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const geo = (c) => ({ country_iso_code: c[0], country_name: c[1],
    location: { lat: c[2] + (rand() - 0.5) * 4, lon: c[3] + (rand() - 0.5) * 4 } });
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
      source: { ip, port: 40000 + i, geo: geo(c),
        ...(i % 3 ? { as: { number: 4000 + (i % 5), organization: { name: `Example AS ${i % 5}` } } } : {}) },
      destination: { ip: '192.0.2.1', port },
      network: { transport: proto },
      event: { dataset: 'firewall' },
      _id: `ev${i}`,
    });
  }
  for (let i = 0; i < 60; i++) {
    const c = countries[i % 4];
    const ip = `10.9.${c[0].charCodeAt(0)}.${1 + (i % 5)}`;
    const outcome = i % 17 === 0 ? 'success' : 'failure';
    const user = users[i % users.length];
    events.push({
      '@timestamp': new Date(now - Math.floor(rand() * 86_400_000)).toISOString(),
      message: `sshd[${1000 + i}]: ${outcome === 'success' ? 'Accepted' : 'Failed'} password for ${user} from ${ip} port ${50000 + i} ssh2`,
      source: { ip, port: 50000 + i, geo: geo(c) },
      user: { name: user },
      event: { dataset: 'sshd', outcome },
      _id: `ssh${i}`,
    });
  }
  const de = countries[4];
  for (let i = 0; i < 30; i++) {
    events.push({
      '@timestamp': new Date(now - 3_600_000 + i * 1000).toISOString(),
      message: `kernel: IN=eth0 OUT= SRC=${kScannerIp} DST=192.0.2.1 PROTO=TCP SPT=61000 DPT=${1000 + i * 7}`,
      source: { ip: kScannerIp, port: 61000, geo: geo(de) },
      destination: { ip: '192.0.2.1', port: 1000 + i * 7 },
      network: { transport: 'tcp' },
      event: { dataset: 'firewall' },
      tags: ['port_scan'],
      scan: { distinct_ports: i + 1 },
      _id: `scan${i}`,
    });
  }
  for (let i = 0; i < 25; i++) {
    events.push({
      '@timestamp': new Date(now - Math.floor(rand() * 86_400_000)).toISOString(),
      message: `sshd[${3000 + i}]: Accepted publickey for owner from ${kOwnerIp} port ${52000 + i} ssh2`,
      source: { ip: kOwnerIp, port: 52000 + i },
      user: { name: 'owner' },
      event: { dataset: 'sshd', outcome: 'success' },
      tags: ['ignored'],
      _id: `own${i}`,
    });
  }
  return events.sort((a, b) => Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']) || (a._id < b._id ? -1 : 1));
}

function get(e, path) {
  let v = e;
  for (const k of path.split('.')) v = v?.[k];
  return v;
}

// The part of the query language the mock understands, as a syntax tree: OR (also implicit),
// AND, NOT, parentheses, `field:value`, `field:"phrase"`, and a bare word (in message).
// Errors say "column N: ..." like the real parser, so the page can point at the place.
function parseQuery(text) {
  let pos = 0;
  const fail = (what) => { throw new Error(`column ${pos + 1}: ${what}`); };
  const space = () => { while (pos < text.length && /\s/.test(text[pos])) pos++; };
  const keyword = (word) => {
    space();
    if (text.startsWith(word, pos) && !/[^\s()]/.test(text[pos + word.length] ?? ' ')) { pos += word.length; return true; }
    return false;
  };
  const value = () => {
    space();
    if (text[pos] === '"') {
      let out = '';
      for (pos++; pos < text.length && text[pos] !== '"'; pos++) out += text[pos] === '\\' ? text[++pos] : text[pos];
      if (text[pos] !== '"') fail('expected a closing quote');
      pos++;
      return out;
    }
    let out = '';
    while (pos < text.length && !/[\s()]/.test(text[pos])) out += text[pos] === '\\' ? text[++pos] : text[pos++];
    if (!out) fail("expected a value after ':'");
    return out;
  };
  const primary = () => {
    space();
    if (text[pos] === '(') {
      pos++;
      const inner = or();
      space();
      if (text[pos] !== ')') fail("expected ')'");
      pos++;
      return inner;
    }
    let word = '';
    while (pos < text.length && !/[\s():"]/.test(text[pos])) word += text[pos] === '\\' ? text[++pos] : text[pos++];
    if (!word) fail('expected a field, a term or a quoted phrase');
    if (text[pos] === ':') { pos++; return { field: word, value: value() }; }
    return { field: 'message', value: word, contains: true };
  };
  const not = () => (keyword('NOT') ? { not: not() } : primary());
  const and = () => {
    const list = [not()];
    while (keyword('AND')) list.push(not());
    return list.length === 1 ? list[0] : { and: list };
  };
  // Between two clauses without an operator: OR, as the real parser (Elasticsearch's default).
  const or = () => {
    const list = [and()];
    for (;;) {
      space();
      if (pos >= text.length || text[pos] === ')') break;
      keyword('OR');
      list.push(and());
    }
    return list.length === 1 ? list[0] : { or: list };
  };
  try {
    space();
    if (pos >= text.length) return { tree: { and: [] } };
    const tree = or();
    space();
    if (pos < text.length) fail('unexpected text');
    return { tree };
  } catch (err) {
    return { error: err.message };
  }
}

function matches(e, node) {
  if (node.and) return node.and.every((n) => matches(e, n));
  if (node.or) return node.or.some((n) => matches(e, n));
  if (node.not) return !matches(e, node.not);
  const v = get(e, node.field);
  if (node.contains) return String(v ?? '').includes(node.value);
  const values = Array.isArray(v) ? v : [v];
  return values.some((x) => x !== undefined && String(x) === node.value);
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
        for (const x of Array.isArray(v) ? v : [v]) {
          if (x === undefined) continue;
          if (!groups.has(x)) groups.set(x, []);
          groups.get(x).push(e);
        }
      }
      const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || String(a[0]).localeCompare(String(b[0])));
      const top = sorted.slice(0, def.terms.size ?? 10);
      out[name] = {
        buckets: top.map(([key, es]) => ({ key, doc_count: es.length, ...aggregate(es, def.aggs, range) })),
        sum_other_doc_count: sorted.slice(top.length).reduce((n, [, es]) => n + es.length, 0),
      };
    } else if (def.stats) {
      // @timestamp in epoch milliseconds, as the real store answers.
      const values = events.map((e) => def.stats.field === '@timestamp' ? Date.parse(e['@timestamp'])
        : get(e, def.stats.field)).filter((v) => typeof v === 'number');
      const sum = values.reduce((a, b) => a + b, 0);
      out[name] = values.length ? { count: values.length, min: Math.min(...values), max: Math.max(...values),
        avg: sum / values.length, sum } : { count: 0, min: null, max: null, avg: null, sum: 0 };
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
    return ts >= range.from && ts < range.to && matches(e, parsed.tree);
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
  ['destination.ip', 'ip'], ['destination.port', 'long'], ['network.transport', 'string'],
  ['user.name', 'string'], ['event.dataset', 'string'], ['event.outcome', 'string'], ['tags', 'string'],
  ['scan.distinct_ports', 'long']]
  .map(([name, type]) => ({ name, types: [type], count: 1 }));

export function startMockServer(port = 0) {
  const events = makeEvents(Date.now());
  const log = [];
  const dashboards = new Map(); // id → document, as data_dir/dashboards/<id>.json
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
        if (url.pathname === '/api/v1/stats') {
          return send(200, { store: { events: events.length, newest_event: events[0]['@timestamp'] } });
        }
        if (url.pathname === '/api/v1/dashboards' && req.method === 'GET') {
          return send(200, [...dashboards.entries()].map(([id, d]) => ({ id, title: d.title })));
        }
        const dash = /^\/api\/v1\/dashboards\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
        if (dash && req.method === 'GET') {
          return dashboards.has(dash[1]) ? send(200, dashboards.get(dash[1]))
            : send(404, { error: { status: 404, reason: 'no such dashboard' } });
        }
        if (dash && req.method === 'PUT') {
          dashboards.set(dash[1], body);
          return send(200, { result: 'saved' });
        }
        if (dash && req.method === 'DELETE') {
          return dashboards.delete(dash[1]) ? send(200, { result: 'deleted' })
            : send(404, { error: { status: 404, reason: 'no such dashboard' } });
        }
        if ((url.pathname === '/api/v1/search' || url.pathname === '/api/v1/aggregate') &&
            req.method === 'POST') {
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
      resolve({ url: `http://127.0.0.1:${server.address().port}`, log, events, dashboards, user: 'admin', password: 'secret',
        close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await startMockServer(Number(process.argv[2] ?? 8080));
  console.log(`mock Perimeter at ${s.url} (user admin, password secret)`);
}
