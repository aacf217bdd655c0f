/** Reading JSON whose exact shape may vary by server version: numbers, strings, times, pairs. */

export type Json = Record<string, unknown>;

export function asObj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The first of `keys` holding a finite number. */
export function num(o: Json | undefined, ...keys: string[]): number | undefined {
  if (!o) return undefined;
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

export function str(o: Json | undefined, ...keys: string[]): string | undefined {
  if (!o) return undefined;
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/** A time as epoch ms from an RFC 3339 string, epoch ms, or epoch seconds. */
export function timeMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = Date.parse(v.length === 13 ? `${v}:00:00Z` : v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/**
 * Named counts from either `{a: 3, b: 5}`, `{a: {count: 3}}` or `[{name: 'a', count: 3}]`, largest
 * first. `labelKeys`/`valueKeys` say which fields name and count an array item.
 */
export function pairs(v: unknown, labelKeys: string[], valueKeys: string[]): { label: string; value: number; raw?: Json }[] {
  const out: { label: string; value: number; raw?: Json }[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      const o = asObj(item);
      const label = str(o, ...labelKeys);
      const value = num(o, ...valueKeys);
      if (label !== undefined && value !== undefined) out.push({ label, value, raw: o });
    }
  } else {
    const o = asObj(v);
    for (const [label, x] of Object.entries(o ?? {})) {
      const value = typeof x === 'number' ? x : num(asObj(x), ...valueKeys);
      if (value !== undefined && Number.isFinite(value)) out.push({ label, value, raw: asObj(x) });
    }
  }
  return out.sort((a, b) => b.value - a.value);
}
