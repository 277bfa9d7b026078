// The time range of every search: a quick range relative to now ("last 24 hours", re-resolved
// on each refresh) or an absolute one (from a custom pick or a drag on the histogram).

export type TimeRange =
  | { kind: 'relative'; span: string } // "15m", "1h", "24h", "7d", "30d", "1y"
  | { kind: 'absolute'; from: number; to: number }; // epoch ms

export const kQuickRanges: { span: string; label: string }[] = [
  { span: '15m', label: 'Last 15 minutes' },
  { span: '1h', label: 'Last hour' },
  { span: '24h', label: 'Last 24 hours' },
  { span: '7d', label: 'Last 7 days' },
  { span: '30d', label: 'Last 30 days' },
  { span: '1y', label: 'Last year' },
];

const kUnitMs: Record<string, number> = {
  s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000,
};

export function spanMs(span: string): number {
  const m = /^(\d+)([smhdwy])$/.exec(span);
  if (!m) throw new Error(`time span "${span}": write a number and one of s m h d w y`);
  return Number(m[1]) * kUnitMs[m[2]];
}

export function resolveRange(range: TimeRange, now: number): { from: number; to: number } {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  return { from: now - spanMs(range.span), to: now };
}

export function describeRange(range: TimeRange): string {
  if (range.kind === 'relative') {
    return kQuickRanges.find((q) => q.span === range.span)?.label ?? `Last ${range.span}`;
  }
  return 'Custom range';
}
