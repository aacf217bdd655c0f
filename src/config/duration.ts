/** Parsing of durations (`100ms`, `60s`, `10m`, `72h`, `90d`) and byte sizes (`5MiB`, `64KiB`). */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Returns milliseconds, or throws a message that says what a valid value looks like. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration; use a number with a unit, e.g. 100ms, 60s, 10m, 72h, 90d`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]]);
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 1 << 20, gb: 1e9, gib: 1 << 30 };

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m?.[2].toLowerCase() ?? '';
  if (!m || !(unit in SIZE_UNITS)) throw new Error(`"${text}" is not a size; use e.g. 5MiB, 64KiB or a number of bytes`);
  return Math.round(Number(m[1]) * SIZE_UNITS[unit]);
}
