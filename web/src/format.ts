// How numbers, times and countries are written on screen. Pure functions.

const kUnits = ['', ' k', ' M', ' G', ' T'];

// 950 → "950", 1234 → "1.2 k", 1234567 → "1.2 M": the magnitude, readable at a glance.
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  let v = Math.abs(n);
  let unit = 0;
  while (v >= 1000 && unit < kUnits.length - 1) {
    v /= 1000;
    unit++;
  }
  const digits = unit === 0 || v >= 100 ? 0 : 1;
  let text = v.toFixed(digits);
  if (text.endsWith('.0')) text = text.slice(0, -2);
  return (n < 0 ? '-' : '') + text + kUnits[unit];
}

// Exact count with thousands separators, for tables and tooltips.
export function formatExact(n: number): string {
  return n.toLocaleString('en-US');
}

// "DE" → the two regional-indicator letters that render as the German flag.
export function flagEmoji(code: string | undefined): string {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return '';
  const base = 0x1f1e6 - 'A'.charCodeAt(0);
  const upper = code.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0), base + upper.charCodeAt(1));
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
}

// "2024-05-03 17:20:08" in UTC or the browser's zone.
export function formatTime(ms: number, utc: boolean): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: utc ? 'UTC' : undefined,
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

// For <input type="datetime-local"> values, in the chosen zone.
export function toInputValue(ms: number, utc: boolean): string {
  return formatTime(ms, utc).replace(' ', 'T').slice(0, 16);
}

export function fromInputValue(text: string, utc: boolean): number {
  if (!text) return NaN;
  return utc ? Date.parse(text + ':00Z') : new Date(text).getTime();
}

// Reads a dotted path ("source.geo.country_name") in an event, also accepting a flat key
// that contains dots.
export function getField(event: unknown, path: string): unknown {
  if (event === null || typeof event !== 'object') return undefined;
  const obj = event as Record<string, unknown>;
  if (path in obj) return obj[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  for (let i = dot; i >= 0 && i < path.length; i = path.indexOf('.', i + 1)) {
    const head = path.slice(0, i);
    if (head in obj) {
      const found = getField(obj[head], path.slice(i + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function displayValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
