/**
 * Stream subscription filters: which tiers, types, agents, sessions and traces a client wants, as
 * comma lists of `*` globs. Filters with the same canonical key share one group (one encode per batch).
 */
import { compileGlobList, validateGlob, type Matcher } from '../classify/glob.js';
import { TIERS, type StoredEvent, type Tier } from '../core/event.js';

export const FILTER_FIELDS = ['tiers', 'types', 'agents', 'sessions', 'traces', 'dashboards'] as const;
export const DASHBOARD_NAMES = ['cost', 'reasoning', 'learning'] as const;
const MAX_LIST = 64;

export interface StreamFilter {
  tiers?: Tier[];
  types?: string[];
  agents?: string[];
  sessions?: string[];
  traces?: string[];
  dashboards?: string[];
  /** Set by the server from the client's key, never by the client. undefined = every project. */
  projects?: string[];
}

export interface CompiledFilter {
  filter: StreamFilter;
  key: string;
  matches: (e: StoredEvent) => boolean;
  wantsTier: (t: Tier) => boolean;
  /** true when a tier the filter wants is all it checks: every event of such a tier matches. */
  tierOnly: boolean;
}

/**
 * Parses filter fields from query parameters or a subscribe message. Values may be comma strings or
 * arrays of strings. Unknown fields and bad globs are errors that name the field.
 */
export function parseFilter(input: Record<string, unknown>, ignore: readonly string[] = []): StreamFilter {
  const f: StreamFilter = {};
  for (const [key, raw] of Object.entries(input)) {
    if (ignore.includes(key)) continue;
    if (!(FILTER_FIELDS as readonly string[]).includes(key)) {
      throw new Error(`unknown filter field "${key.slice(0, 40)}"; use ${FILTER_FIELDS.join(', ')}`);
    }
    const list = toList(raw, key);
    if (list === undefined) continue;
    if (key === 'tiers') {
      for (const t of list) if (!TIERS.includes(t as Tier)) throw new Error(`tiers: "${t.slice(0, 40)}" is not a tier; use ${TIERS.join(', ')}`);
      f.tiers = list as Tier[];
    } else if (key === 'dashboards') {
      for (const d of list) if (!(DASHBOARD_NAMES as readonly string[]).includes(d)) throw new Error(`dashboards: "${d.slice(0, 40)}" is not a dashboard; use ${DASHBOARD_NAMES.join(', ')}`);
      f.dashboards = list;
    } else {
      for (const g of list) {
        const problem = validateGlob(g);
        if (problem) throw new Error(`${key}: ${problem}`);
      }
      f[key as 'types' | 'agents' | 'sessions' | 'traces'] = list;
    }
  }
  return f;
}

function toList(raw: unknown, key: string): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let list: unknown[];
  if (typeof raw === 'string') list = raw.split(',');
  else if (Array.isArray(raw)) list = raw;
  else throw new Error(`${key} must be a comma list or an array of strings`);
  const out = list.map((v) => {
    if (typeof v !== 'string') throw new Error(`${key} must hold strings`);
    return v.trim();
  }).filter((v) => v !== '');
  if (out.length > MAX_LIST) throw new Error(`${key}: at most ${MAX_LIST} entries`);
  return out.length ? [...new Set(out)].sort() : undefined;
}

export function compileFilter(f: StreamFilter): CompiledFilter {
  const key = JSON.stringify([f.projects ?? null, f.tiers ?? null, f.types ?? null, f.agents ?? null, f.sessions ?? null, f.traces ?? null]);
  const checks: ((e: StoredEvent) => boolean)[] = [];
  let tierOnly = true;
  if (f.projects) {
    tierOnly = false;
    const ps = new Set(f.projects);
    checks.push((e) => ps.has(e.project));
  }
  if (f.tiers) {
    const ts = new Set(f.tiers);
    checks.push((e) => ts.has(e.tier));
  }
  const field = (list: string[] | undefined, get: (e: StoredEvent) => string | undefined) => {
    if (!list) return;
    tierOnly = false;
    const m: Matcher = compileGlobList(list);
    checks.push((e) => {
      const v = get(e);
      return v !== undefined && m(v);
    });
  };
  field(f.types, (e) => e.type);
  field(f.agents, (e) => e.agent_id);
  field(f.sessions, (e) => e.session_id);
  field(f.traces, (e) => e.trace_id);
  const matches =
    checks.length === 0
      ? () => true
      : (e: StoredEvent) => {
          for (const c of checks) if (!c(e)) return false;
          return true;
        };
  const tiers = f.tiers ? new Set(f.tiers) : undefined;
  return { filter: f, key, matches, wantsTier: (t) => !tiers || tiers.has(t), tierOnly };
}
