/**
 * Handoff costs for the cost dashboard: per (from, to) agent pair, how many handoffs and what the
 * receiving agent then spent on the handed-over work. Hourly rollups answer windows; the session
 * filter is answered from the chains of that session.
 */
import { and, eq, gte, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import type { DashboardFilters } from './filters.js';
import { inProjects, orNull, usd } from './query-util.js';
import { chainAgents, chains, handoffHourly } from './schema/index.js';

export interface HandoffPair {
  from_agent: string | null;
  to_agent: string;
  handoffs: number;
  /** LLM calls behind cost_usd; null where only chain totals are known (session filter). */
  calls: number | null;
  cost_usd: number;
}

export interface HandoffCosts {
  count: number;
  cost_usd: number;
  by_pair: HandoffPair[];
  /** Handoff costs are kept per agent pair, not per model: a model filter does not narrow them. */
  ignored_filters?: string[];
}

export function handoffCosts(db: SqliteDatabase, projects: string[], f: DashboardFilters): HandoffCosts {
  const pairs = f.session !== undefined ? sessionPairs(db, projects, f) : windowPairs(db, projects, f);
  pairs.sort((a, b) => b.cost_usd - a.cost_usd || b.handoffs - a.handoffs);
  return {
    count: pairs.reduce((n, p) => n + p.handoffs, 0),
    cost_usd: usd(pairs.reduce((n, p) => n + p.cost_usd, 0)),
    by_pair: pairs.slice(0, 50),
    ...(f.model !== undefined ? { ignored_filters: ['model'] } : {}),
  };
}

function windowPairs(db: SqliteDatabase, projects: string[], f: DashboardFilters): HandoffPair[] {
  const h = handoffHourly;
  const conds: (SQL | undefined)[] = [inProjects(h.project, projects), gte(h.hour, f.since)];
  if (f.agent !== undefined) conds.push(or(eq(h.from_agent, f.agent), eq(h.to_agent, f.agent)));
  return db.orm
    .select({ from_agent: h.from_agent, to_agent: h.to_agent, handoffs: sql<number>`total(${h.handoffs})`, calls: sql<number>`total(${h.calls})`, cost_usd: sql<number>`total(${h.cost_usd})` })
    .from(h)
    .where(and(...conds))
    .groupBy(h.from_agent, h.to_agent)
    .all()
    .map((r) => ({ ...r, from_agent: orNull(r.from_agent), cost_usd: usd(r.cost_usd) }));
}

function sessionPairs(db: SqliteDatabase, projects: string[], f: DashboardFilters): HandoffPair[] {
  const ca = chainAgents;
  const conds: (SQL | undefined)[] = [inProjects(chains.project, projects), eq(chains.session_id, f.session!), gte(chains.last_ts, f.since), isNotNull(ca.handed_from)];
  if (f.agent !== undefined) conds.push(or(eq(ca.handed_from, f.agent), eq(ca.agent_id, f.agent)));
  return db.orm
    .select({ from_agent: ca.handed_from, to_agent: ca.agent_id, handoffs: sql<number>`total(${ca.handoffs_in})`, cost_usd: sql<number>`total(${ca.handoff_cost_usd})` })
    .from(ca)
    .innerJoin(chains, and(eq(chains.project, ca.project), eq(chains.trace_id, ca.trace_id)))
    .where(and(...conds))
    .groupBy(ca.handed_from, ca.agent_id)
    .all()
    .map((r) => ({ from_agent: orNull(r.from_agent), to_agent: r.to_agent, handoffs: r.handoffs, calls: null, cost_usd: usd(r.cost_usd) }));
}
