/** Parsing of the storm-control settings (`--storm-window`, `--storm-volatile`); errors say what to write. */
import { parseDuration } from '../config/duration.js';
import { TIERS, type Tier } from '../core/event.js';

/** Window per tier in milliseconds; 0 = storm control off for that tier. */
export type StormWindows = Record<Tier, number>;

export const DEFAULT_STORM_WINDOW = '1s';
export const DEFAULT_VOLATILE = 'ts,timestamp,id,request_id,duration_ms';
/** Longest window accepted: held repeats (and the memory they pin) wait this long at most. */
const MAX_WINDOW_MS = 60_000;

/**
 * `1s` (every tier), `off`, or per tier: `critical=500ms,analytical=off`; a bare value first sets the
 * rest, e.g. `2s,analytical=off`. `0` also means off.
 *
 * @example parseStormWindow('2s,analytical=off') // { critical: 2000, operational: 2000, analytical: 0 }
 */
export function parseStormWindow(text: string): StormWindows {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('give a window such as 1s, "off", or TIER=WINDOW pairs');
  const out: StormWindows = { critical: 1000, operational: 1000, analytical: 1000 };
  const seen = new Set<string>();
  parts.forEach((part, i) => {
    const eq = part.indexOf('=');
    if (eq === -1) {
      if (i !== 0) throw new Error(`"${part}": a window for every tier must come first, e.g. 2s,analytical=off`);
      const ms = windowMs(part);
      for (const t of TIERS) out[t] = ms;
      return;
    }
    const tier = part.slice(0, eq).trim();
    if (!TIERS.includes(tier as Tier)) throw new Error(`"${tier}" is not a tier; use ${TIERS.join(', ')}`);
    if (seen.has(tier)) throw new Error(`tier "${tier}" is given twice`);
    seen.add(tier);
    out[tier as Tier] = windowMs(part.slice(eq + 1));
  });
  return out;
}

function windowMs(raw: string): number {
  const v = raw.trim();
  if (v === 'off' || v === '0') return 0;
  if (v.startsWith('-')) throw new Error(`"${v}": a window cannot be negative; use a duration such as 1s, or off`);
  const ms = parseDuration(v);
  if (ms <= 0) return 0;
  if (ms > MAX_WINDOW_MS) throw new Error(`"${v}" is longer than the 60s maximum window`);
  return ms;
}

/** Comma list of top-level `data` keys ignored when fingerprinting; `none` = no key is volatile. */
export function parseVolatileFields(text: string): string[] {
  const t = text.trim();
  if (t === 'none') return [];
  const keys = [...new Set(t.split(',').map((k) => k.trim()).filter(Boolean))];
  if (keys.length === 0) throw new Error('give a comma list of data keys, or "none"');
  for (const k of keys) {
    if (k.length > 128) throw new Error(`"${k.slice(0, 40)}…" is longer than 128 characters`);
    if (k.includes('.')) throw new Error(`"${k}": only top-level keys of data are supported (no dotted paths)`);
  }
  return keys;
}
