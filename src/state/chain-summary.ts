/** The JSON of a chain as listed in the reasoning dashboard (one row of `active_chains`). */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { events } from '../store/sqlite/schema.js';
import { latestReadings, type Readings } from './biometric-query.js';
import { parseData, summaryOf } from './event-facts.js';
import { ratio, usd } from './query-util.js';
import { chainAgents, chains } from './schema/index.js';
import { iso } from './time.js';

export type ChainRow = typeof chains.$inferSelect;

/** The one-line text of each chain's latest thought, read from the log by seq. */
function latestTexts(db: SqliteDatabase, seqs: number[]): Map<number, string> {
  const out = new Map<number, string>();
  if (seqs.length === 0) return out;
  for (const r of db.orm.select({ seq: events.seq, data: events.data }).from(events).where(inArray(events.seq, seqs)).all()) {
    const t = summaryOf(parseData(r.data));
    if (t !== null) out.set(r.seq, t);
  }
  return out;
}

export interface ChainSummary {
  trace_id: string;
  project: string;
  session_id: string | null;
  status: string;
  active: boolean;
  agents: string[];
  steps: number;
  avg_confidence: number | null;
  handoffs: number;
  errors: number;
  cost_usd: number;
  first_ts: string;
  last_ts: string;
  ended_ts: string | null;
  duration_ms: number;
  last_step: { type: string; agent_id: string | null };
  last_text: string | null;
  /** Latest readings of the chain's session (biometric context), when it has any. */
  biometrics?: Readings;
}

/** Summaries of some chains (all of one listing), with their agents and session readings. */
export function summarize(db: SqliteDatabase, rows: ChainRow[], now: number, activeMs: number): ChainSummary[] {
  const agentsOf = new Map<string, string[]>();
  const byProject = new Map<string, ChainRow[]>();
  for (const r of rows) {
    let l = byProject.get(r.project);
    if (!l) byProject.set(r.project, (l = []));
    l.push(r);
  }
  const readings = new Map<string, Map<string, Readings>>();
  for (const [project, list] of byProject) {
    const ca = chainAgents;
    const agentRows = db.orm
      .select({ trace_id: ca.trace_id, agent_id: ca.agent_id })
      .from(ca)
      .where(and(eq(ca.project, project), inArray(ca.trace_id, list.map((r) => r.trace_id))))
      .orderBy(asc(ca.first_ts))
      .all();
    for (const a of agentRows) {
      const k = `${project}\u0000${a.trace_id}`;
      let l = agentsOf.get(k);
      if (!l) agentsOf.set(k, (l = []));
      l.push(a.agent_id);
    }
    readings.set(project, latestReadings(db, project, 'session', list.flatMap((r) => (r.session_id ? [r.session_id] : []))));
  }
  const texts = latestTexts(db, rows.flatMap((r) => (r.text_seq !== null ? [r.text_seq] : [])));
  return rows.map((r) => {
    const s: ChainSummary = {
      trace_id: r.trace_id,
      project: r.project,
      session_id: r.session_id,
      status: r.status,
      active: r.status === 'running' && r.last_ts >= now - activeMs,
      agents: agentsOf.get(`${r.project}\u0000${r.trace_id}`) ?? [],
      steps: r.events,
      avg_confidence: ratio(r.conf_sum, r.conf_n),
      handoffs: r.handoffs,
      errors: r.errors,
      cost_usd: usd(r.cost_usd),
      first_ts: iso(r.first_ts),
      last_ts: iso(r.last_ts),
      ended_ts: r.ended_ts === null ? null : iso(r.ended_ts),
      duration_ms: r.last_ts - r.first_ts,
      last_step: { type: r.last_type, agent_id: r.last_agent },
      last_text: r.text_seq !== null ? (texts.get(r.text_seq) ?? null) : null,
    };
    const b = r.session_id ? readings.get(r.project)?.get(r.session_id) : undefined;
    if (b) s.biometrics = b;
    return s;
  });
}
