// The official Elasticsearch JavaScript client against a running Perimeter (issue 5): it
// bulk-indexes 10 000 firewall-like documents over real TLS (the self-signed certificate that
// Perimeter generates, verified as the CA, plus its printed SHA-256 fingerprint), with an API
// key from `perimeter apikey`, and the documents are then found by /api/v1/search as a viewer
// user made with `perimeter passwd`.
//
//   node tests/es_client/bulk.test.mjs PATH/TO/perimeter
// Needs `npm ci` in tests/es_client (scripts/install-deps). Prints "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));

const kDocuments = 10_000;
const kStartTimeoutMs = 15_000; // certificate generation on a loaded 2-core machine
const kStopTimeoutMs = 10_000;
// Sent several bulk requests at once, as shippers do, so the server sees concurrent appends.
const kFlushBytes = 256 * 1024;
const kConcurrency = 3;
const kPorts = [22, 23, 80, 443, 445, 3389, 8080];
const kTransports = ['tcp', 'tcp', 'tcp', 'udp'];

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(err?.stack ?? err).split('\n').slice(0, 4).join('\n     ')}`);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}

// Deterministic documents shaped as the default pipeline stores iptables lines (ECS names), so
// the expected counts per field value are known without asking the server.
function makeDocuments(endMs) {
  // mulberry32: small, and its low bits are as random as its high ones.
  let seed = 12345;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const docs = [];
  for (let i = 0; i < kDocuments; i++) {
    const port = kPorts[next() % kPorts.length];
    const transport = kTransports[next() % kTransports.length];
    const src = `203.0.${next() % 256}.${1 + (next() % 254)}`;
    const ts = new Date(endMs - (i * 7919) % (24 * 3600 * 1000));
    docs.push({
      '@timestamp': ts.toISOString(),
      message: `[UFW BLOCK] IN=eth0 OUT= SRC=${src} DST=198.51.100.1 ` +
        `PROTO=${transport.toUpperCase()} DPT=${port}`,
      event: { dataset: 'firewall', action: 'blocked', sequence: i },
      source: { ip: src, port: 1024 + (next() % 60000) },
      destination: { ip: '198.51.100.1', port },
      network: { transport },
      host: { name: 'shipper-test' },
    });
  }
  return docs;
}

// The search API is Perimeter's own (no X-Elastic-Product), so it goes through node:https with
// the same certificate verification rather than through the Elasticsearch client.
function postJson(port, path, body, authorization, ca) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path, method: 'POST', ca,
      headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { answer += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${answer}`));
        else resolve(JSON.parse(answer));
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

function runCli(binary, args, input) {
  const r = spawnSync(binary, args, { input, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    throw new Error(`perimeter ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return r.stdout;
}

// Starts `perimeter serve` on a port the kernel picks and resolves with the port and the
// certificate fingerprint once the server logs that it listens.
function startServer(binary, dataDir) {
  const child = spawn(binary, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line within ${kStartTimeoutMs} ms:\n${log}`)),
      kStartTimeoutMs);
    const onData = (chunk) => {
      log += chunk;
      const port = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      const fingerprint = /SHA-256 fingerprint ([0-9A-Fa-f:]{95})/.exec(log);
      if (port && fingerprint) {
        clearTimeout(timer);
        resolve({ port: Number(port[1]), fingerprint: fingerprint[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`perimeter serve exited with ${code}:\n${log}`));
    });
  });
  return { child, ready, log: () => log };
}

// The server and the data dir must not outlive the test, even when ctest's timeout kills it.
const children = new Set();
let dataDir;
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(1));
}

function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, kStopTimeoutMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

async function main() {
  const binary = process.argv[2];
  if (!binary) {
    console.log('usage: node bulk.test.mjs PATH/TO/perimeter');
    return 2;
  }
  let Client;
  try {
    ({ Client } = require('@elastic/elasticsearch'));
  } catch {
    console.log('@elastic/elasticsearch is missing: run `npm ci` in tests/es_client (scripts/install-deps)');
    console.log('0 passed, 1 failed');
    return 1;
  }
  dataDir = mkdtempSync(join(tmpdir(), 'perimeter-es-client-'));
  const started = Date.now();
  let server;
  try {
    const password = 'reader-password-1';
    runCli(binary, ['passwd', '--data-dir', dataDir, 'add', 'reader', '--role', 'viewer', '--password-stdin'],
      `${password}\n`);
    runCli(binary, ['passwd', '--data-dir', dataDir, 'add', 'shipper', '--role', 'admin', '--password-stdin'],
      'shipper-password-1\n');
    const apiKey = runCli(binary,
      ['apikey', '--data-dir', dataDir, 'create', 'es-client', '--role', 'admin']).trim();
    expect(apiKey.length >= 20, `apikey create printed no key: "${apiKey}"`);

    server = startServer(binary, dataDir);
    const { port, fingerprint } = await server.ready;
    const node = `https://127.0.0.1:${port}`;
    // Verification stays on: the generated certificate is the CA, and its fingerprint is pinned.
    const tls = { ca: readFileSync(join(dataDir, 'tls/cert.pem')) };
    const client = new Client({ node, auth: { apiKey }, tls, caFingerprint: fingerprint });
    const basicClient = new Client({
      node, auth: { username: 'shipper', password: 'shipper-password-1' }, tls, caFingerprint: fingerprint,
    });
    const authHeader = 'Basic ' + Buffer.from(`reader:${password}`).toString('base64');
    const search = (body) => postJson(port, '/api/v1/search', body, authHeader, tls.ca);

    await check('info() accepts the server as Elasticsearch (X-Elastic-Product, version)', async () => {
      const info = await basicClient.info();
      expect(typeof info.version?.number === 'string', `no version: ${JSON.stringify(info)}`);
    });

    const endMs = Date.now() - 60_000;
    const docs = makeDocuments(endMs);
    await check('a pinned fingerprint that does not match is refused', async () => {
      const wrongPin = (fingerprint.startsWith('AA') ? 'BB' : 'AA') + fingerprint.slice(2);
      const wrong = new Client({ node, auth: { apiKey }, tls, caFingerprint: wrongPin, maxRetries: 0 });
      let error;
      try { await wrong.info(); } catch (e) { error = e; }
      expect(/fingerprint does not match/.test(String(error?.message)),
        `expected a fingerprint mismatch, got ${error ?? 'a connection'}`);
      await wrong.close();
    });

    await check('a bulk request without credentials gets 401', async () => {
      const anonymous = new Client({ node, tls, caFingerprint: fingerprint });
      let error;
      try {
        await anonymous.bulk({ operations: [{ index: { _index: 'x' } }, { message: 'no auth' }] });
      } catch (e) { error = e; }
      await anonymous.close();
      expect(error?.meta?.statusCode === 401, `expected 401, got ${error?.meta?.statusCode ?? 'success'}`);
    });

    await check('a viewer user may not bulk-index (403)', async () => {
      const viewer = new Client({ node, auth: { username: 'reader', password }, tls, caFingerprint: fingerprint });
      let error;
      try {
        await viewer.bulk({ operations: [{ index: { _index: 'x' } }, { message: 'viewer' }] });
      } catch (e) { error = e; }
      await viewer.close();
      expect(error?.meta?.statusCode === 403, `expected 403, got ${error?.meta?.statusCode ?? 'success'}`);
    });

    let bulkMs = 0;
    await check(`helpers.bulk indexes ${kDocuments} documents with an API key, no item failing`, async () => {
      const t0 = Date.now();
      const dropped = [];
      const stats = await client.helpers.bulk({
        datasource: docs,
        onDocument: () => ({ create: { _index: 'firewall' } }),
        onDrop: (d) => dropped.push(d),
        flushBytes: kFlushBytes,
        concurrency: kConcurrency,
        retries: 0,
      });
      bulkMs = Date.now() - t0;
      expect(dropped.length === 0, `dropped: ${JSON.stringify(dropped.slice(0, 2))}`);
      expect(stats.total === kDocuments && stats.successful === kDocuments && stats.failed === 0,
        `stats: ${JSON.stringify(stats)}`);
    });

    await check('bulk() answers per item with status 201, an _id and errors=false', async () => {
      const r = await basicClient.bulk({
        operations: [{ index: { _index: 'probe' } }, { message: 'probe', '@timestamp': '2001-01-01T00:00:00Z' },
          { delete: { _index: 'probe', _id: 'x' } }],
      });
      expect(r.items.length === 2, `items: ${JSON.stringify(r.items)}`);
      expect(r.items[0].index.status === 201 && typeof r.items[0].index._id === 'string',
        `first item: ${JSON.stringify(r.items[0])}`);
      expect(r.items[1].delete.status === 400 && r.errors === true, `delete must fail: ${JSON.stringify(r)}`);
    });

    await check('filter_path trims the answer as Elasticsearch does (Logstash sends it)', async () => {
      const r = await basicClient.bulk({
        filter_path: 'errors,items.*.status',
        operations: [{ create: { _index: 'probe' } },
          { message: 'filtered', '@timestamp': '2001-01-01T00:00:01Z' }],
      });
      expect(JSON.stringify(r) === '{"errors":false,"items":[{"create":{"status":201}}]}',
        `answer: ${JSON.stringify(r)}`);
    });

    const range = { from: new Date(endMs - 2 * 24 * 3600 * 1000).toISOString(), to: new Date().toISOString() };
    const total = (r) => (typeof r.hits.total === 'number' ? r.hits.total : r.hits.total.value);
    await check(`/api/v1/search counts all ${kDocuments} documents`, async () => {
      const r = await search({ query: '', ...range, size: 0 });
      expect(total(r) === kDocuments, `total ${JSON.stringify(r.hits.total)}`);
    });

    await check('a query on one field finds exactly the documents with that value', async () => {
      const want = docs.filter((d) => d.destination.port === 3389 && d.network.transport === 'udp');
      expect(want.length > 50 && want.length < kDocuments / 5, `bad fixture: ${want.length}`);
      const r = await search({ query: 'destination.port:3389 AND network.transport:udp', ...range, size: 1000 });
      expect(total(r) === want.length, `total ${JSON.stringify(r.hits.total)}, want ${want.length}`);
      const seqs = new Set(r.hits.hits.map((h) => h._source.event.sequence));
      for (const d of want) expect(seqs.has(d.event.sequence), `missing document ${d.event.sequence}`);
      for (const h of r.hits.hits) {
        expect(h._source.destination.port === 3389 && h._source.network.transport === 'udp',
          `unexpected hit ${JSON.stringify(h._source)}`);
      }
    });

    await check('a terms aggregation over the shipped documents matches what was sent', async () => {
      const want = new Map();
      for (const d of docs) want.set(d.destination.port, (want.get(d.destination.port) ?? 0) + 1);
      const r = await search({
        query: 'host.name:shipper-test', ...range, size: 0,
        aggs: { ports: { terms: { field: 'destination.port', size: 20 } } },
      });
      const buckets = r.aggregations.ports.buckets;
      expect(buckets.length === want.size, `buckets ${JSON.stringify(buckets)}`);
      for (const b of buckets) {
        const n = want.get(Number(b.key));
        expect(n === b.doc_count, `port ${b.key}: ${b.doc_count}, want ${n}`);
      }
    });
    console.log(`bulk of ${kDocuments} documents took ${bulkMs} ms; whole test ${Date.now() - started} ms`);
    await client.close();
    await basicClient.close();
  } catch (err) {
    failed++;
    console.log(`FAIL setup\n     ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n     ')}`);
  } finally {
    if (server) await stopServer(server.child);
    if (failed && server) console.log(`server log:\n${server.log().split('\n').slice(-30).join('\n')}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
