// Browser test of the dashboard against tests/browser/mock_server.mjs: logs in, checks every
// panel draws what the API answered, searches, filters from a pie slice, expands a log row,
// opens the IP detail view (ports, port scan, usernames), edits the dashboard (add, move,
// resize, delete, export, import, save, reset), switches themes, and checks that no request
// leaves the machine and the console stays clean (CSP violations show up there).
// tests/browser/real_server.test.mjs runs the same screen against the real binary.
//
//   node tests/browser/dashboard.test.mjs
// Screenshots go to $PERIMETER_TEST_OUTPUT (default: $TMPDIR/perimeter-browser-test).
// Serves $PERIMETER_WEB_DIST (default web/dist: cd web && node build.mjs); needs Debian's
// chromium at /usr/bin/chromium.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Checks, clickFirstSlice, expect, formatCount, formatExact, kTimeoutMs, launchBrowser,
  missingPrerequisite, paintedPixels, topCountryPoint, totalOf, watchPage,
} from './harness.mjs';
import { kOwnerIp, kScannerIp, startMockServer } from './mock_server.mjs';

const outDir = process.env.PERIMETER_TEST_OUTPUT ?? join(tmpdir(), 'perimeter-browser-test');
const kIgnoredClause = 'NOT tags:"ignored"';

async function main() {
  const checks = new Checks();
  const check = checks.check.bind(checks);
  const missing = missingPrerequisite();
  if (missing) {
    console.log(missing);
    console.log('0 passed, 1 failed');
    return 1;
  }
  mkdirSync(outDir, { recursive: true });
  const mock = await startMockServer();
  const base = mock.url;
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    page.setDefaultTimeout(kTimeoutMs);
    const watch = watchPage(page);
    const { searches } = watch;
    const metric = (label) => page.locator(`dd[data-metric="${label}"]`).textContent();
    // The mock's events in the first search's range, to count what the page should show.
    const inRange = (body, pred) => mock.events.filter((e) => {
      const t = Date.parse(e['@timestamp']);
      return t >= body.from && t < body.to && pred(e);
    }).length;

    await check('unauthenticated visit lands on the login page, login reaches the dashboard', async () => {
      await page.goto(base + '/');
      expect(new URL(page.url()).pathname === '/login', `expected /login, at ${page.url()}`);
      await page.fill('#user', mock.user);
      await page.fill('#password', mock.password);
      const first = watch.nextSearch();
      await page.click('button[type=submit]');
      await first;
      await page.waitForSelector('dd[data-metric="Events"]');
    });
    const initial = searches[0];
    const aggs = initial?.json?.aggregations ?? {};
    const total = totalOf(initial?.json);

    await check('one search carries every panel\'s aggregations', async () => {
      const names = Object.keys(initial.body.aggs ?? {});
      for (const n of ['histogram', 'countries', 'sources', 'ports', 'usernames', 'map_countries', 'map_grid',
        'metrics_1', 'metrics_2']) {
        expect(names.includes(n), `aggregation ${n} missing from ${names.join(',')}`);
      }
      expect(initial.body.size === 50 && initial.body.sort === '@timestamp:desc', 'page of 50 newest first');
      expect(total > 0, 'the demo data set has events in the last 24 hours');
    });

    await check('the default view leaves out the owner\'s own addresses (NOT tags:ignored)', async () => {
      expect(initial.body.query === kIgnoredClause, `first query: ${initial.body.query}`);
      expect((await page.locator('.pill-text').first().textContent()) === 'NOT tags: ignored', 'the pill says so');
      const ignored = inRange(initial.body, (e) => e.tags?.includes('ignored'));
      expect(ignored > 0, 'the mock has ignored events in range');
      expect(total === inRange(initial.body, () => true) - ignored, `total ${total} leaves out ${ignored} ignored`);
      const shown = await page.locator('.log-row td:nth-child(3)').allTextContents();
      expect(!shown.includes(kOwnerIp), 'the owner is not in the log table');
      // Disabling the pill brings them back; enabling hides them again.
      const all = watch.nextSearch();
      await page.click('.pill button[aria-label^="Disable"]');
      const s = await all;
      expect(s.body.query === '' && totalOf(s.json) === total + ignored, `disabled: ${s.body.query} ${totalOf(s.json)}`);
      const again = watch.nextSearch();
      await page.click('.pill button[aria-label^="Enable"]');
      expect((await again).body.query === kIgnoredClause, 'enabled again');
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
      expect((await first.locator('button.link').textContent()) === String(buckets[0].key), 'first IP');
      expect((await first.locator('td.num').textContent()) === formatCount(buckets[0].doc_count), 'first count');
      const country = buckets[0].c0?.buckets?.[0]?.key;
      if (country) {
        const flag = String.fromCodePoint(...[...country].map((ch) => 0x1f1e6 + ch.charCodeAt(0) - 65));
        expect((await first.locator('td').nth(1).textContent()).startsWith(flag), 'flag emoji of the country');
      }
    });

    await check('charts draw: histogram, map, pie, ports and usernames have painted canvases', async () => {
      await page.waitForTimeout(300);
      for (const id of ['histogram', 'map', 'countries', 'ports', 'usernames']) {
        const painted = await paintedPixels(page, id);
        expect(painted > 200, `${id}: ${painted} painted pixels`);
      }
      expect(aggs.usernames.buckets[0].key === 'root', `top username ${aggs.usernames.buckets[0]?.key}`);
      expect(!aggs.usernames.buckets.some((b) => b.key === 'owner'), 'the owner\'s own logins are left out');
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

    await page.screenshot({ path: join(outDir, 'mock-dashboard-light.png'), fullPage: true });

    await check('a typed query is sent and the numbers follow it', async () => {
      const answer = watch.nextSearch();
      await page.fill('#query', 'destination.port:22');
      await page.press('#query', 'Enter');
      const s = await answer;
      expect(s.body.query === `(destination.port:22) AND ${kIgnoredClause}`, `query sent: ${s.body.query}`);
      const t = totalOf(s.json);
      expect(t < total && t === inRange(s.body, (e) => e.destination?.port === 22), 'the query narrows the events');
      await page.waitForFunction((want) => document.querySelector('dd[data-metric="Events"]')?.textContent === want,
        formatCount(t));
    });

    await check('a query syntax error marks the column', async () => {
      const answer = watch.nextSearch();
      await page.fill('#query', 'destination.port:');
      await page.press('#query', 'Enter');
      const s = await answer;
      expect(s.status === 400, `status ${s.status}`);
      await page.waitForSelector('#query-error:not([hidden]) mark');
      expect((await page.getAttribute('#query', 'aria-invalid')) === 'true', 'input marked invalid');
      expect((await page.locator('#query-error').textContent()).includes(s.json.error.reason), 'reason shown');
    });

    await check('clicking a pie slice adds a filter pill and the next search carries it', async () => {
      const cleared = watch.nextSearch();
      await page.fill('#query', '');
      await page.press('#query', 'Enter');
      const base = await cleared;
      await page.waitForTimeout(200);
      const pie = base.json.aggregations.countries;
      const answer = watch.nextSearch();
      await clickFirstSlice(page, 'countries', pie);
      const s = await answer;
      const name = String(pie.buckets[0].key);
      await page.waitForSelector('.pill >> nth=1');
      expect((await page.locator('.pill-text').last().textContent()) === `source.geo.country_name: ${name}`, 'pill text');
      expect(s.body.query === `${kIgnoredClause} AND source.geo.country_name:"${name}"`, `query sent: ${s.body.query}`);
      expect(totalOf(s.json) === pie.buckets[0].doc_count, 'filtered total equals the slice count');
    });

    await check('negating and removing a pill changes the query', async () => {
      const answer = watch.nextSearch();
      await page.locator('.pill').last().locator('button[aria-label^="Negate"]').click();
      const s = await answer;
      expect(s.body.query.endsWith('AND NOT source.geo.country_name:"' + s.body.query.split('"')[3] + '"'),
        `negated query: ${s.body.query}`);
      const removed = watch.nextSearch();
      await page.locator('.pill').last().locator('button[aria-label^="Remove"]').click();
      expect((await removed).body.query === kIgnoredClause, 'only the default filter left');
    });

    await check('clicking the map\'s busiest country filters on its code', async () => {
      const last = searches[searches.length - 1].json.aggregations.map_countries.buckets[0];
      await page.waitForTimeout(200);
      const point = await topCountryPoint(page, 'map', [0xc0, 0x39, 0x2b]); // light theme's "most"
      expect(point, `no area of the map has the colour of ${last.key}`);
      const answer = watch.nextSearch();
      await page.mouse.click(point.x, point.y);
      const s = await answer;
      expect((await page.locator('.pill-text').last().textContent()) === `source.geo.country_iso_code: ${last.key}`,
        'pill');
      expect(totalOf(s.json) === last.doc_count, `total ${totalOf(s.json)} = ${last.key}'s ${last.doc_count}`);
      const removed = watch.nextSearch();
      await page.locator('.pill').last().locator('button[aria-label^="Remove"]').click();
      expect((await removed).body.query === kIgnoredClause, 'pill removed');
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
      const answer = watch.nextSearch();
      await page.click('.pager button:has-text("Older")');
      const s = await answer;
      expect(JSON.stringify(s.body.search_after) === JSON.stringify(last.json.hits.hits[49].sort), 'cursor');
    });

    await check('IP detail view of a port scanner: facts, ports and the port-scan flag', async () => {
      const answer = watch.nextSearch((b) => b.query === `source.ip:"${kScannerIp}"`);
      await page.click(`[data-panel="sources"] button[aria-label="Details of ${kScannerIp}"]`);
      const s = await answer;
      const dialog = page.locator('#ip-detail');
      await dialog.locator('[data-section="port-scan"]').waitFor();
      expect((await dialog.locator('h2').textContent()) === kScannerIp, 'title is the address');
      const scans = inRange(s.body, (e) => e.source?.ip === kScannerIp);
      expect((await dialog.locator('[data-fact="events"]').textContent()) === formatExact(scans), 'event count');
      expect((await dialog.locator('[data-fact="country"]').textContent()).endsWith('Germany'), 'country');
      const flag = await dialog.locator('[data-section="port-scan"] .alert').textContent();
      expect(flag.includes(`${scans} events tagged port_scan`) && flag.includes(`up to ${scans} distinct ports`),
        `port-scan text: ${flag}`);
      expect(await dialog.locator('[data-section="ports"] .chip').count() === 15, 'top 15 ports as chips');
      expect((await dialog.locator('[data-section="usernames"]').textContent()).includes('No SSH login attempts'),
        'a firewall-only address has no usernames');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    });

    await check('IP detail view of an SSH guesser lists its usernames with outcomes', async () => {
      const guess = mock.events.find((e) => e.user && !e.tags);
      const ip = guess.source.ip;
      const answer = watch.nextSearch((b) => b.query === `source.ip:"${ip}"`);
      const filtered = watch.nextSearch();
      await page.fill('#query', `source.ip:"${ip}"`);
      await page.press('#query', 'Enter');
      await filtered;
      await page.locator('.log-row button.link').first().click();
      const s = await answer;
      const dialog = page.locator('#ip-detail');
      const rows = dialog.locator('[data-section="usernames"] tbody tr');
      await rows.first().waitFor();
      const users = s.json.aggregations.users.buckets;
      expect(await rows.count() === users.length && users.length > 0, `${await rows.count()} user rows`);
      const mine = mock.events.filter((e) => e.source?.ip === ip && e.user?.name === users[0].key &&
        Date.parse(e['@timestamp']) >= s.body.from && Date.parse(e['@timestamp']) < s.body.to);
      const cells = await rows.first().locator('td').allTextContents();
      expect(cells[0] === users[0].key && cells[1] === String(mine.length), `row ${cells.join('|')}`);
      expect(cells[2] === String(mine.filter((e) => e.event.outcome === 'failure').length), 'failures');
      // "Filter on it" closes the view and adds the pill.
      const pill = watch.nextSearch();
      await dialog.locator('button:has-text("Filter on it")').click();
      expect((await pill).body.query.includes(`source.ip:"${ip}"`), 'filter from the detail view');
      await page.locator('.pill').last().locator('button[aria-label^="Remove"]').click();
      const cleared = watch.nextSearch();
      await page.fill('#query', '');
      await page.press('#query', 'Enter');
      await cleared;
    });

    await check('usernames panel: an empty range explains where usernames come from', async () => {
      const answer = watch.nextSearch();
      await page.fill('#query', 'event.dataset:firewall');
      await page.press('#query', 'Enter');
      await answer;
      const empty = page.locator('[data-panel="usernames"] .panel-empty');
      await empty.waitFor();
      expect((await empty.textContent()).includes('auth_logs'), 'the hint names the setting');
      const cleared = watch.nextSearch();
      await page.fill('#query', '');
      await page.press('#query', 'Enter');
      await cleared;
    });

    // --- edit mode -----------------------------------------------------------------------------
    const panelIds = () => page.locator('.panel').evaluateAll((ps) => ps.map((p) => p.dataset.panel));

    await check('edit mode: add a terms panel (country as pie) through the form', async () => {
      await page.click('#edit-toggle');
      await page.waitForSelector('#edit-bar:not([hidden])');
      await page.locator('.row').nth(1).locator('button:has-text("Add panel")').click();
      const form = page.locator('#panel-editor');
      await form.waitFor();
      await form.locator('[name=kind]').selectOption('terms');
      await form.locator('[name=title]').fill('Countries (edited)');
      await form.locator('[name=field]').fill('source.geo.country_iso_code');
      await form.locator('[name=style]').selectOption('pie');
      await form.locator('[name=size]').fill('5');
      const answer = watch.nextSearch((b) => b.aggs?.source_geo_country_iso_code);
      await form.locator('button[value=ok]').click();
      const s = await answer;
      expect(JSON.stringify(s.body.aggs.source_geo_country_iso_code) ===
        JSON.stringify({ terms: { field: 'source.geo.country_iso_code', size: 5 } }), 'aggregation of the new panel');
      await page.waitForSelector('[data-panel="source_geo_country_iso_code"] canvas');
      expect((await page.locator('[data-panel="source_geo_country_iso_code"] h3').textContent()) === 'Countries (edited)',
        'title');
    });

    await check('edit mode: move a panel left, make it wider, delete it', async () => {
      const before = await panelIds();
      const at = before.indexOf('source_geo_country_iso_code');
      await page.click('button[aria-label="Move left: Countries (edited)"]');
      const moved = await panelIds();
      expect(moved[at - 1] === 'source_geo_country_iso_code' && moved[at] === before[at - 1], `order ${moved.join(',')}`);
      const box = page.locator('[data-panel="source_geo_country_iso_code"]');
      expect((await box.getAttribute('class')).includes('span-4'), 'starts 4 wide');
      await page.click('button[aria-label="Wider: Countries (edited)"]');
      expect((await box.getAttribute('class')).includes('span-5'), 'one column wider');
      const width = await box.evaluate((e) => e.getBoundingClientRect().width);
      await page.click('button[aria-label="Narrower: Countries (edited)"]');
      await page.click('button[aria-label="Narrower: Countries (edited)"]');
      expect(await box.evaluate((e) => e.getBoundingClientRect().width) < width, 'narrower on screen');
      await page.click('button[aria-label="Delete panel: Countries (edited)"]');
      expect(JSON.stringify(await panelIds()) === JSON.stringify(before.filter((p) => p !== 'source_geo_country_iso_code')),
        'deleted');
    });

    await check('edit mode: rows move and change height', async () => {
      const titles = () => page.locator('.row h2').allTextContents();
      const before = await titles();
      await page.click(`button[aria-label="Move row down (row ${before[0]})"]`);
      const after = await titles();
      expect(after[0] === before[1] && after[1] === before[0], `rows ${after.join(',')}`);
      await page.click(`button[aria-label="Move row up (row ${before[0]})"]`);
      const body = page.locator('[data-panel="map"] .panel-body');
      const h = await body.evaluate((e) => e.getBoundingClientRect().height);
      await page.click(`button[aria-label="Taller row (row ${before[1]})"]`);
      const h2 = await body.evaluate((e) => e.getBoundingClientRect().height);
      expect(Math.round(h2 - h) === 60, `row height ${h} → ${h2}`);
    });

    await check('edit mode: export the JSON, import a changed copy', async () => {
      const download = page.waitForEvent('download');
      await page.click('#edit-bar button:has-text("Export JSON")');
      const file = await download;
      const exported = JSON.parse(readFileSync(await file.path(), 'utf8'));
      expect(exported.id === 'ssh-scanners' && exported.rows.length === 4, 'the dashboard document');
      expect(exported.filters[0].field === 'tags' && exported.filters[0].negate === true, 'with its default filter');
      exported.title = 'Imported copy';
      exported.rows = exported.rows.slice(0, 2);
      const path = join(outDir, 'imported-dashboard.json');
      writeFileSync(path, JSON.stringify(exported));
      const answer = watch.nextSearch();
      await page.setInputFiles('#import-file', path);
      await answer;
      expect((await page.locator('#dash-title').textContent()) === 'Imported copy', 'title');
      expect(await page.locator('.row').count() === 2, 'two rows');
      await page.setInputFiles('#import-file', { name: 'bad.json', mimeType: 'application/json',
        buffer: Buffer.from('{"rows": [{"panels": [{"kind": "pie"}]}]}') });
      await page.waitForSelector('#app-error:not([hidden])');
      expect((await page.locator('#app-error').textContent()).includes('kind must be one of'), 'bad import explained');
    });

    await check('edit mode: save (admin), reload finds it, reset goes back to the built-in one', async () => {
      await page.click('#edit-bar button:has-text("Save")');
      await page.waitForFunction(() => document.querySelector('#edit-bar .muted')?.textContent.startsWith('saved'));
      expect(mock.dashboards.get('ssh-scanners')?.title === 'Imported copy', 'stored on the server');
      const loaded = watch.nextSearch();
      await page.reload();
      await loaded;
      expect((await page.locator('#dash-title').textContent()) === 'Imported copy', 'reload shows the saved one');
      expect(await page.locator('.row').count() === 2, 'with its rows');
      await page.click('#edit-toggle');
      await page.click('#edit-bar button:has-text("Reset to built-in")');
      await page.waitForFunction(() => document.querySelector('#edit-bar .muted')?.textContent.startsWith('back to'));
      expect(!mock.dashboards.has('ssh-scanners'), 'the saved copy is deleted');
      expect(await page.locator('.row').count() === 4, 'the built-in dashboard is back');
      await page.click('#edit-toggle');
    });

    await check('dark theme redraws every panel', async () => {
      await page.click('#theme-toggle');
      expect((await page.getAttribute('html', 'data-theme')) === 'dark', 'theme attribute');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outDir, 'mock-dashboard-dark.png'), fullPage: true });
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
      expect(watch.requests > 20, `${watch.requests} requests seen`);
      expect(watch.foreign.length === 0, watch.foreign.join(', '));
    });
    await check('no console errors (including CSP violations)', async () => {
      const unexpected = watch.consoleErrors.filter((e) => !/status of 400/.test(e));
      expect(unexpected.length === 0, unexpected.join('\n'));
    });
  } finally {
    await browser.close();
    await mock.close();
  }
  console.log(`screenshots in ${outDir}`);
  return checks.summary();
}

main().then((code) => process.exit(code), (err) => {
  console.log(String(err?.stack ?? err));
  console.log('0 passed, 1 failed');
  process.exit(1);
});
