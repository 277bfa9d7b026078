// Browser test of the dashboard: logs in, checks every panel draws what the API answered,
// searches, filters from a pie slice, expands a log row, switches themes, and checks that no
// request leaves the machine and the console stays clean (CSP violations show up there).
//
//   node tests/browser/dashboard.test.mjs                 against tests/browser/mock_server.mjs
//   PERIMETER_URL=https://127.0.0.1:PORT PERIMETER_USER=u PERIMETER_PASSWORD=p \
//     node tests/browser/dashboard.test.mjs               against a running `perimeter serve`
// Options: --update-docs copies the light screenshot to docs/dashboard.png.
// Screenshots go to $PERIMETER_TEST_OUTPUT (default: $TMPDIR/perimeter-browser-test).
// Needs web/dist (cd web && node build.mjs) and Debian's chromium at /usr/bin/chromium.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from './mock_server.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');

const kChromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const kTimeoutMs = 15_000; // per wait: generous for a loaded 2-core machine
const outDir = process.env.PERIMETER_TEST_OUTPUT ?? join(tmpdir(), 'perimeter-browser-test');

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(err?.stack ?? err).split('\n').slice(0, 3).join('\n     ')}`);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}

// The dashboard's number format (web/src/format.ts), restated so the test catches a change.
function formatCount(n) {
  const units = ['', ' k', ' M', ' G', ' T'];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  let text = v.toFixed(u === 0 || v >= 100 ? 0 : 1);
  if (text.endsWith('.0')) text = text.slice(0, -2);
  return (n < 0 ? '-' : '') + text + units[u];
}

async function main() {
  if (!existsSync(join(repo, 'web/dist/index.html'))) {
    console.log('web/dist is missing: run `cd web && node build.mjs` (after scripts/install-deps)');
    console.log('0 passed, 1 failed');
    return 1;
  }
  if (!existsSync(kChromium)) {
    console.log(`${kChromium} is missing: apt-get install chromium (scripts/install-deps)`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  mkdirSync(outDir, { recursive: true });
  const mock = process.env.PERIMETER_URL ? undefined : await startMockServer();
  const base = process.env.PERIMETER_URL ?? mock.url;
  const user = process.env.PERIMETER_USER ?? mock?.user;
  const password = process.env.PERIMETER_PASSWORD ?? mock?.password;
  const profile = mkdtempSync(join(tmpdir(), 'perimeter-chromium-'));
  // A fresh profile (--user-data-dir, which playwright passes for a persistent context).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: kChromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 }, colorScheme: 'light',
    timezoneId: 'Europe/Berlin',
  });
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    page.setDefaultTimeout(kTimeoutMs);
    const consoleErrors = [];
    const foreign = [];
    const searches = []; // {body, response}
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.protocol !== 'data:' &&
          url.protocol !== 'blob:') foreign.push(r.url());
    });
    page.on('response', async (r) => {
      if (!r.url().endsWith('/api/v1/search')) return;
      const body = JSON.parse(r.request().postData() ?? '{}');
      let json;
      try { json = await r.json(); } catch { json = undefined; }
      searches.push({ body, status: r.status(), json });
    });
    const nextSearch = (after) => page.waitForResponse((r) => r.url().endsWith('/api/v1/search')).then(async () => {
      // the response handler above runs asynchronously: wait until it recorded the answer
      for (let i = 0; i < 50 && searches.length <= after; i++) await page.waitForTimeout(20);
      return searches[searches.length - 1];
    });
    const metric = (label) => page.locator(`dd[data-metric="${label}"]`).textContent();

    await check('unauthenticated visit lands on the login page, login reaches the dashboard', async () => {
      await page.goto(base + '/');
      expect(new URL(page.url()).pathname === '/login', `expected /login, at ${page.url()}`);
      await page.fill('#user', user);
      await page.fill('#password', password);
      const first = nextSearch(0);
      await page.click('button[type=submit]');
      await first;
      await page.waitForSelector('dd[data-metric="Events"]');
    });
    const initial = searches[0];
    const aggs = initial?.json?.aggregations ?? {};
    const total = typeof initial?.json?.hits?.total === 'number' ? initial.json.hits.total : initial?.json?.hits?.total?.value;

    await check('one search carries every panel\'s aggregations', async () => {
      const names = Object.keys(initial.body.aggs ?? {});
      for (const n of ['histogram', 'countries', 'sources', 'ports', 'map_countries', 'map_grid', 'metrics_1', 'metrics_2']) {
        expect(names.includes(n), `aggregation ${n} missing from ${names.join(',')}`);
      }
      expect(initial.body.size === 50 && initial.body.sort === '@timestamp:desc', 'page of 50 newest first');
      expect(total > 0, 'the demo data set has events in the last 24 hours');
    });

    await check('metrics show the API\'s numbers', async () => {
      expect(await metric('Events') === formatCount(total), `events ${await metric('Events')} vs ${total}`);
      expect(await metric('Distinct source IPs') === formatCount(aggs.metrics_1.value), 'distinct IPs');
      expect(await metric('Distinct countries') === formatCount(aggs.metrics_2.value), 'distinct countries');
    });

    await check('top source IPs table matches the terms buckets', async () => {
      const rows = page.locator('[data-panel="sources"] tbody tr');
      const buckets = aggs.sources.buckets;
      expect(await rows.count() === buckets.length, `${await rows.count()} rows vs ${buckets.length} buckets`);
      const first = rows.first();
      expect((await first.locator('button').textContent()) === String(buckets[0].key), 'first IP');
      expect((await first.locator('td.num').textContent()) === formatCount(buckets[0].doc_count), 'first count');
      const country = buckets[0].c0?.buckets?.[0]?.key;
      if (country) {
        const flag = String.fromCodePoint(...[...country].map((ch) => 0x1f1e6 + ch.charCodeAt(0) - 65));
        expect((await first.locator('td').nth(1).textContent()).startsWith(flag), 'flag emoji of the country');
      }
    });

    await check('charts draw: histogram, map, pie and ports have painted canvases', async () => {
      await page.waitForTimeout(300);
      for (const id of ['histogram', 'map', 'countries', 'ports']) {
        const painted = await page.locator(`[data-panel="${id}"] canvas`).first().evaluate((c) => {
          const ctx = c.getContext('2d');
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++;
          return n;
        });
        expect(painted > 200, `${id}: ${painted} painted pixels`);
      }
    });

    await check('log table lists the newest hits', async () => {
      const rows = page.locator('.log-row');
      expect(await rows.count() === initial.json.hits.hits.length, 'one row per hit');
      const ip = initial.json.hits.hits[0]._source.source?.ip ?? initial.json.hits.hits[0]._source.src_ip;
      expect((await rows.first().locator('td').nth(2).textContent()) === String(ip), 'first row source IP');
    });

    await check('footer attribution links to DB-IP and names Natural Earth', async () => {
      const link = page.locator('footer a[href="https://db-ip.com"]');
      expect((await link.textContent()).includes('IP geolocation by DB-IP'), 'DB-IP link');
      expect((await page.locator('footer').textContent()).includes('(CC BY 4.0)'), 'licence');
      expect((await page.locator('footer').textContent()).includes('Map: Natural Earth'), 'Natural Earth');
    });

    await page.screenshot({ path: join(outDir, 'dashboard-light.png'), fullPage: true });

    await check('a typed query is sent and the numbers follow it', async () => {
      const n = searches.length;
      const answer = nextSearch(n);
      await page.fill('#query', 'destination.port:22');
      await page.press('#query', 'Enter');
      const s = await answer;
      expect(s.body.query === 'destination.port:22', `query sent: ${s.body.query}`);
      const t = s.json.hits.total;
      expect(t < total, 'the query narrows the events');
      await page.waitForFunction((want) => document.querySelector('dd[data-metric="Events"]')?.textContent === want,
        formatCount(typeof t === 'number' ? t : t.value));
    });

    await check('a query syntax error marks the column', async () => {
      const n = searches.length;
      const answer = nextSearch(n);
      await page.fill('#query', 'destination.port:');
      await page.press('#query', 'Enter');
      const s = await answer;
      expect(s.status === 400, `status ${s.status}`);
      await page.waitForSelector('#query-error:not([hidden]) mark');
      expect((await page.getAttribute('#query', 'aria-invalid')) === 'true', 'input marked invalid');
      expect((await page.locator('#query-error').textContent()).includes(s.json.error.reason), 'reason shown');
    });

    await check('clicking a pie slice adds a filter pill and the next search carries it', async () => {
      const n = searches.length;
      const cleared = nextSearch(n);
      await page.fill('#query', '');
      await page.press('#query', 'Enter');
      const base = await cleared;
      const pie = base.json.aggregations.countries;
      const sum = pie.buckets.reduce((a, b) => a + b.doc_count, 0) + (pie.sum_other_doc_count ?? 0);
      const box = await page.locator('[data-panel="countries"] canvas').first().boundingBox();
      // The first (largest) slice starts at 12 o'clock and runs clockwise; click its middle.
      const angle = Math.PI * (pie.buckets[0].doc_count / sum);
      const r = 0.525 * Math.min(box.width, box.height) / 2;
      const cx = box.x + box.width / 2 + r * Math.sin(angle);
      const cy = box.y + box.height * 0.52 - r * Math.cos(angle);
      const answer = nextSearch(searches.length);
      await page.mouse.click(cx, cy);
      const s = await answer;
      const name = String(pie.buckets[0].key);
      await page.waitForSelector('.pill');
      expect((await page.locator('.pill-text').first().textContent()) === `source.geo.country_name: ${name}` ||
        (await page.locator('.pill-text').first().textContent()) === `geoip.country_name: ${name}`, 'pill text');
      expect(s.body.query.includes(`country_name:"${name}"`), `query sent: ${s.body.query}`);
      expect(s.json.hits.total === pie.buckets[0].doc_count || s.json.hits.total?.value === pie.buckets[0].doc_count,
        'filtered total equals the slice count');
    });

    await check('negating and removing a pill changes the query', async () => {
      const answer = nextSearch(searches.length);
      await page.click('.pill button[aria-label^="Negate"]');
      const s = await answer;
      expect(s.body.query.startsWith('NOT '), `negated query: ${s.body.query}`);
      const removed = nextSearch(searches.length);
      await page.click('.pill button[aria-label^="Remove"]');
      expect((await removed).body.query === '', 'no filter left');
    });

    await check('expanding a log row shows its fields and JSON', async () => {
      await page.locator('.log-row .expand').first().click();
      const detail = page.locator('.log-detail:not([hidden])').first();
      await detail.waitFor();
      expect((await page.locator('.log-row .expand').first().getAttribute('aria-expanded')) === 'true', 'aria-expanded');
      const hit = searches[searches.length - 1].json.hits.hits[0];
      const json = JSON.parse(await detail.locator('pre.json').textContent());
      expect(JSON.stringify(json) === JSON.stringify(hit._source), 'JSON is the event');
      expect(await detail.locator('.field-table tr').count() >= 5, 'field table rows');
    });

    await check('paging asks for the next page with search_after', async () => {
      const last = searches[searches.length - 1];
      if (last.json.hits.hits.length < 50) return; // one page only
      const answer = nextSearch(searches.length);
      await page.click('.pager button:has-text("Older")');
      const s = await answer;
      expect(JSON.stringify(s.body.search_after) === JSON.stringify(last.json.hits.hits[49].sort), 'cursor');
    });

    await check('dark theme redraws every panel', async () => {
      await page.click('#theme-toggle');
      expect((await page.getAttribute('html', 'data-theme')) === 'dark', 'theme attribute');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outDir, 'dashboard-dark.png'), fullPage: true });
      await page.click('#theme-toggle');
    });

    await check('readable on a phone: panels stack in one column', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(200);
      const widths = await page.locator('.panel').evaluateAll((ps) => ps.map((p) => p.getBoundingClientRect().width));
      expect(widths.every((w) => w > 300), `panel widths ${widths.join(',')}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow <= 1, `page scrolls sideways by ${overflow}px`);
      await page.setViewportSize({ width: 1400, height: 1000 });
    });

    await check('no request left localhost', async () => {
      expect(foreign.length === 0, foreign.join(', '));
    });
    await check('no console errors (including CSP violations)', async () => {
      const unexpected = consoleErrors.filter((e) => !/status of 400/.test(e));
      expect(unexpected.length === 0, unexpected.join('\n'));
    });
  } finally {
    await browser.close();
    await mock?.close();
    rmSync(profile, { recursive: true, force: true });
  }
  if (process.argv.includes('--update-docs')) {
    mkdirSync(join(repo, 'docs'), { recursive: true });
    copyFileSync(join(outDir, 'dashboard-light.png'), join(repo, 'docs/dashboard.png'));
  }
  console.log(`screenshots in ${outDir}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.log(String(err?.stack ?? err));
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
