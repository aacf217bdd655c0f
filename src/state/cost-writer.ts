/**
 * Folds cost events (usage or cost_usd) into the hourly cost rollups — by agent × model, and by
 * session — and into per-session lifetime totals.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import { isCostEvent } from './event-facts.js';
import { Rollup } from './rollup.js';
import { hourOf } from './time.js';

export const USAGE_SUMS = ['calls', 'unpriced_calls', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd'] as const;

/** Adds one cost event to a row of USAGE_SUMS. */
function addUsage(r: number[], e: StoredEvent, cost: number): void {
  const u = e.usage;
  r[0]++;
  if (typeof e.cost_usd !== 'number') r[1]++;
  if (u !== undefined) {
    r[2] += u.input_tokens ?? 0;
    r[3] += u.output_tokens ?? 0;
    r[4] += u.cache_read_tokens ?? 0;
    r[5] += u.cache_write_tokens ?? 0;
    r[6] += u.reasoning_tokens ?? 0;
  }
  r[7] += cost;
}

interface SessionAgg {
  project: string;
  session: string;
  first: number;
  last: number;
  calls: number;
  cost: number;
  keep: number;
}

export class CostWriter {
  private readonly hourly: Rollup;
  private readonly sessionHourly: Rollup;
  private readonly sessions = new Map<string, SessionAgg>();
  private readonly upsertSession: SqlStatement;

  constructor(db: SqliteDatabase, private readonly retention: Record<Tier, number>) {
    this.hourly = new Rollup(db, 'cost_hourly', ['project', 'hour', 'agent_id', 'model'], USAGE_SUMS);
    this.sessionHourly = new Rollup(db, 'cost_session_hourly', ['project', 'session_id', 'hour', 'agent_id', 'model'], USAGE_SUMS);
    this.upsertSession = db.prepare(`INSERT INTO cost_sessions (project, session_id, first_ts, last_ts, calls, cost_usd, keep_until) VALUES (?,?,?,?,?,?,?)
      ON CONFLICT (project, session_id) DO UPDATE SET first_ts = MIN(cost_sessions.first_ts, excluded.first_ts),
        last_ts = MAX(cost_sessions.last_ts, excluded.last_ts), calls = cost_sessions.calls + excluded.calls,
        cost_usd = cost_sessions.cost_usd + excluded.cost_usd, keep_until = MAX(cost_sessions.keep_until, excluded.keep_until)`);
  }

  add(e: StoredEvent): void {
    if (!isCostEvent(e)) return;
    const cost = typeof e.cost_usd === 'number' ? e.cost_usd : 0;
    const hour = hourOf(e.ts);
    const p = e.project;
    const agent = e.agent_id ?? '';
    const model = e.model ?? '';
    addUsage(this.hourly.row(`${p}\u0000${hour}\u0000${agent}\u0000${model}`, p, hour, agent, model), e, cost);
    const session = e.session_id;
    if (session === undefined) return;
    addUsage(this.sessionHourly.row(`${p}\u0000${session}\u0000${hour}\u0000${agent}\u0000${model}`, p, session, hour, agent, model), e, cost);
    const k = `${p}\u0000${session}`;
    const keep = e.received_at + this.retention[e.tier];
    const s = this.sessions.get(k);
    if (!s) {
      this.sessions.set(k, { project: e.project, session, first: e.ts, last: e.ts, calls: 1, cost, keep });
      return;
    }
    s.first = Math.min(s.first, e.ts);
    s.last = Math.max(s.last, e.ts);
    s.calls++;
    s.cost += cost;
    s.keep = Math.max(s.keep, keep);
  }

  flush(): void {
    this.hourly.flush();
    this.sessionHourly.flush();
    for (const s of this.sessions.values()) this.upsertSession.run(s.project, s.session, s.first, s.last, s.calls, s.cost, s.keep);
    this.sessions.clear();
  }

  reset(): void {
    this.hourly.clear();
    this.sessionHourly.clear();
    this.sessions.clear();
  }
}
