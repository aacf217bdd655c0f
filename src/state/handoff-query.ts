/**
 * Handoff costs for the cost dashboard: per (from, to) agent pair, how many handoffs and what the
 * receiving agent then spent on the handed-over work. Hourly rollups answer windows; the session
 * filter is answered from the chains of that session.
 */
import { and, eq, gte, or, sql, type SQL } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import type { DashboardFilters } from './filters.js';
import { inProjects, orNull, usd } from './query-util.js';
import type { HandoffIndex } from './handoff-index.js';
import { handoffHourly } from './schema/index.js';
import { agentsOf, sessionChains, sessionHandoffs } from './session-chains.js';

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

export function handoffCosts(db: SqliteDatabase, projects: string[], f: DashboardFilters, index?: HandoffIndex): HandoffCosts {
  const pairs = f.session !== undefined ? sessionPairs(db, projects, f) : windowPairs(db, projects, f, index);
  pairs.sort((a, b) => b.cost_usd - a.cost_usd || b.handoffs - a.handoffs);
  return {
    count: pairs.reduce((n, p) => n + p.handoffs, 0),
    cost_usd: usd(pairs.reduce((n, p) => n + p.cost_usd, 0)),
    by_pair: pairs.slice(0, 50),
    ...(f.model !== undefined ? { ignored_filters: ['model'] } : {}),
  };
}

/** Per-pair sums over the window: from the in-memory index when it covers the window, else SQL. */
export function windowPairs(db: SqliteDatabase, projects: string[], f: DashboardFilters, index?: HandoffIndex): HandoffPair[] {
  const recent = index?.pairs(projects, f.since);
  if (recent) {
    return recent
      .filter((p) => f.agent === undefined || p.from_agent === f.agent || p.to_agent === f.agent)
      .map((p) => ({ ...p, from_agent: orNull(p.from_agent), cost_usd: usd(p.cost_usd) }));
  }
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
  return sessionHandoffs(agentsOf(db, sessionChains(db, projects, f)), f.agent).map((p) => ({ ...p, from_agent: orNull(p.from_agent), calls: null, cost_usd: usd(p.cost_usd) }));
}
