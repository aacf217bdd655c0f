/**
 * Query parameters of the dashboard endpoints: `window` (a duration, default 24h), `agent`,
 * `session`, `model` (exact ids). Unknown parameters and bad values are 400s naming the parameter.
 */
import type { Context } from 'hono';
import { parseDuration } from '../config/duration.js';
import { HttpError } from '../core/errors.js';
import { hourOf } from './time.js';

export const MAX_WINDOW_MS = 90 * 86_400_000;
const MIN_WINDOW_MS = 60_000;
const COMMON = ['window', 'agent', 'session', 'model', 'token'];

export interface DashboardFilters {
  window: string;
  windowMs: number;
  /** Start of the window, rounded down to the hour (rollups are hourly). */
  since: number;
  agent?: string;
  session?: string;
  model?: string;
}

/** The filters as given, for echoing back in responses. */
export function echoFilters(f: DashboardFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.agent !== undefined) out.agent = f.agent;
  if (f.session !== undefined) out.session = f.session;
  if (f.model !== undefined) out.model = f.model;
  return out;
}

export function parseFilters(query: Record<string, string>, now: number, extra: readonly string[] = []): DashboardFilters {
  for (const k of Object.keys(query)) {
    if (!COMMON.includes(k) && !extra.includes(k)) {
      throw new HttpError(400, `unknown parameter "${k.slice(0, 40)}"; use ${[...COMMON.filter((x) => x !== 'token'), ...extra].join(', ')}`);
    }
  }
  const window = query.window?.trim() || '24h';
  let windowMs: number;
  try {
    windowMs = parseDuration(window);
  } catch {
    throw new HttpError(400, `window: "${window.slice(0, 40)}" is not a duration; use e.g. 15m, 1h, 24h or 7d`);
  }
  if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) throw new HttpError(400, `window: must be between 1m and 90d, got "${window.slice(0, 40)}"`);
  return { window, windowMs, since: hourOf(now - windowMs), agent: id(query, 'agent'), session: id(query, 'session'), model: id(query, 'model') };
}

function id(query: Record<string, string>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (v.length > 128) throw new HttpError(400, `${name}: at most 128 characters`);
  return v;
}

/** A positive integer parameter with a default and a ceiling. */
export function intParam(c: Context, name: string, def: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(400, `${name}: must be a whole number from 1 to ${max}, got "${raw.slice(0, 40)}"`);
  return n;
}
