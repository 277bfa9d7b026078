// What both browser tests share: named checks with a pass/fail tally, Debian's chromium
// launched headless with a throwaway profile, and a watch on the page that records every
// search the dashboard sends, every request to another host and every console error.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');

export const kChromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const kTimeoutMs = 15_000; // per wait: generous for a loaded 2-core machine

export class Checks {
  passed = 0;
  failed = 0;

  async check(name, fn) {
    const started = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      this.failed++;
      console.log(`FAIL ${name}\n     ${String(err?.stack ?? err).split('\n').slice(0, 3).join('\n     ')}`);
    }
  }

  summary() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

// The dashboard's number format (web/src/format.ts), restated so the test catches a change.
export function formatCount(n) {
  const units = ['', ' k', ' M', ' G', ' T'];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  let text = v.toFixed(u === 0 || v >= 100 ? 0 : 1);
  if (text.endsWith('.0')) text = text.slice(0, -2);
  return (n < 0 ? '-' : '') + text + units[u];
}

export function formatExact(n) {
  return n.toLocaleString('en-US');
}

export function totalOf(json) {
  const t = json?.hits?.total;
  return typeof t === 'number' ? t : t?.value;
}

// Says what is missing to run a browser test at all, or undefined.
export function missingPrerequisite() {
  const dist = process.env.PERIMETER_WEB_DIST ?? join(repo, 'web/dist');
  if (!existsSync(join(dist, 'index.html'))) {
    return `${dist} is missing: build it (cmake --build BUILD --target perimeter_web_assets, or ` +
      '`cd web && node build.mjs`) after scripts/install-deps';
  }
  if (!existsSync(kChromium)) return `${kChromium} is missing: apt-get install chromium (scripts/install-deps)`;
  return undefined;
}

// Chromium with a fresh profile (--user-data-dir, which playwright passes for a persistent
// context); close() also removes the profile.
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'perimeter-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: kChromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 }, colorScheme: 'light',
    timezoneId: 'Europe/Berlin', acceptDownloads: true,
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const kLocalHosts = ['127.0.0.1', 'localhost', '[::1]'];

// Records what the page does. nextSearch(n) resolves to the (n+1)-th search the page sends
// (its body, status and answer), counting from the start of the watch.
export function watchPage(page) {
  const watch = { consoleErrors: [], foreign: [], searches: [], aggregates: [], requests: 0 };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.consoleErrors.push(`${m.text()} (${m.location()?.url ?? 'no URL'})`);
  });
  page.on('pageerror', (e) => watch.consoleErrors.push(String(e)));
  page.on('request', (r) => {
    watch.requests++;
    const url = new URL(r.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (!kLocalHosts.includes(url.hostname)) watch.foreign.push(r.url());
  });
  page.on('response', async (r) => {
    // Searches (the page's refresh) and aggregations (the previous range, panel queries).
    const isSearch = r.url().endsWith('/api/v1/search');
    if (!isSearch && !r.url().endsWith('/api/v1/aggregate')) return;
    const entry = { body: JSON.parse(r.request().postData() ?? '{}'), status: r.status(), json: undefined };
    (isSearch ? watch.searches : watch.aggregates).push(entry);
    try { entry.json = await r.json(); } catch { entry.json = undefined; }
    entry.at = Date.now(); // when the answer had arrived
    entry.done = true;
  });
  // The next search whose body passes `pred` (default: any), once its answer is read.
  watch.nextSearch = async (pred = () => true) => {
    const from = watch.searches.length;
    for (let waited = 0; waited < kTimeoutMs; waited += 20) {
      const found = watch.searches.slice(from).find((s) => s.done && pred(s.body));
      if (found) return found;
      await page.waitForTimeout(20);
    }
    throw new Error('no search was sent');
  };
  // The next aggregation request whose body passes `pred`, once its answer is read.
  watch.nextAggregate = async (pred) => {
    const from = watch.aggregates.length;
    for (let waited = 0; waited < kTimeoutMs; waited += 20) {
      const found = watch.aggregates.slice(from).find((s) => s.done && pred(s.body));
      if (found) return found;
      await page.waitForTimeout(20);
    }
    throw new Error('no aggregation was sent');
  };
  return watch;
}

// Painted (non-transparent) pixels of the panel's first canvas, sampled every 7th pixel.
export async function paintedPixels(page, panelId) {
  return page.locator(`[data-panel="${panelId}"] canvas`).first().evaluate((c) => {
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++;
    return n;
  });
}

// Clicks the middle of the pie's first (largest) slice: it starts at 12 o'clock and runs
// clockwise (the terms panel's pie: radius 30–58 %, centre at 50 %/52 %).
export async function clickFirstSlice(page, panelId, pie) {
  const sum = pie.buckets.reduce((a, b) => a + b.doc_count, 0) + (pie.sum_other_doc_count ?? 0);
  const box = await page.locator(`[data-panel="${panelId}"] canvas`).first().boundingBox();
  const angle = Math.PI * (pie.buckets[0].doc_count / sum);
  const r = 0.44 * Math.min(box.width, box.height) / 2;
  await page.mouse.click(box.x + box.width / 2 + r * Math.sin(angle), box.y + box.height * 0.52 - r * Math.cos(angle));
}

// Pixels of the map filled with exactly `rgb` (the colour of the country with the most events),
// the one deepest inside such an area (so a city point or a border is not hit), in page
// coordinates.
export async function topCountryPoint(page, panelId, rgb) {
  const canvas = page.locator(`[data-panel="${panelId}"] canvas`).first();
  const box = await canvas.boundingBox();
  const at = await canvas.evaluate((c, want) => {
    const { width, height } = c;
    const d = c.getContext('2d').getImageData(0, 0, width, height).data;
    const match = (x, y) => {
      if (x < 0 || y < 0 || x >= width || y >= height) return false;
      const i = (y * width + x) * 4;
      return Math.abs(d[i] - want[0]) <= 2 && Math.abs(d[i + 1] - want[1]) <= 2 &&
        Math.abs(d[i + 2] - want[2]) <= 2 && d[i + 3] === 255;
    };
    let best;
    let bestScore = 0;
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        if (!match(x, y)) continue;
        let score = 0;
        for (let dy = -8; dy <= 8; dy += 4) for (let dx = -8; dx <= 8; dx += 4) if (match(x + dx, y + dy)) score++;
        if (score > bestScore) { bestScore = score; best = [x / width, y / height]; }
      }
    }
    return best;
  }, rgb);
  return at && { x: box.x + at[0] * box.width, y: box.y + at[1] * box.height };
}
