/**
 * Window totals of the reasoning dashboard: chains started, completed, failed, steps, handoffs,
 * errors and average confidence, overall and per agent. From the hourly rollups (which outlive the
 * chains' detail), or — for one session — from that session's chains.
 */
import { and, eq, gte, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import type { DashboardFilters } from './filters.js';
import { inProjects, ratio } from './query-util.js';
import { involves } from './chain-filters.js';
import { chainAgents, chainHourly, chains } from './schema/index.js';

export interface Totals {
  chains: number;
  completed: number;
  failed: number;
  steps: number;
  handoffs: number;
  errors: number;
  avg_confidence: number | null;
}

export interface AgentFigures {
  agent_id: string;
  chains: number;
  completed: number;
  failed: number;
  steps: number;
  avg_confidence: number | null;
  handoffs_out: number;
  handoffs_in: number;
  /** null where only chain detail is known (session filter). */
  errors: number | null;
}

const h = chainHourly;
const rollupSums = {
  chains: sql<number>`total(${h.chains})`,
  completed: sql<number>`total(${h.completed})`,
  failed: sql<number>`total(${h.failed})`,
  steps: sql<number>`total(${h.steps})`,
  conf_sum: sql<number>`total(${h.conf_sum})`,
  conf_n: sql<number>`total(${h.conf_n})`,
  handoffs_out: sql<number>`total(${h.handoffs_out})`,
  handoffs_in: sql<number>`total(${h.handoffs_in})`,
  errors: sql<number>`total(${h.errors})`,
};

export function reasoningTotals(db: SqliteDatabase, projects: string[], f: DashboardFilters): { totals: Totals; agents: AgentFigures[] } {
  const inWindow = and(inProjects(h.project, projects), gte(h.hour, f.since));
  const t = db.orm.select(rollupSums).from(h).where(and(inWindow, eq(h.agent_id, f.agent ?? ''))).get();
  const perAgent = db.orm
    .select({ agent_id: h.agent_id, ...rollupSums })
    .from(h)
    .where(and(inWindow, f.agent !== undefined ? eq(h.agent_id, f.agent) : ne(h.agent_id, '')))
    .groupBy(h.agent_id)
    .all();
  const totals: Totals = {
    chains: t?.chains ?? 0,
    completed: t?.completed ?? 0,
    failed: t?.failed ?? 0,
    steps: t?.steps ?? 0,
    // Per agent, a handoff is one out and one in; the all-agents row counts each handoff once.
    handoffs: f.agent !== undefined ? (t?.handoffs_out ?? 0) + (t?.handoffs_in ?? 0) : (t?.handoffs_out ?? 0),
    errors: t?.errors ?? 0,
    avg_confidence: ratio(t?.conf_sum ?? 0, t?.conf_n ?? 0),
  };
  const agents = perAgent
    .map((a) => ({
      agent_id: a.agent_id, chains: a.chains, completed: a.completed, failed: a.failed, steps: a.steps,
      avg_confidence: ratio(a.conf_sum, a.conf_n), handoffs_out: a.handoffs_out, handoffs_in: a.handoffs_in, errors: a.errors,
    }))
    .sort((a, b) => b.steps - a.steps);
  return { totals, agents };
}

export function sessionTotals(db: SqliteDatabase, projects: string[], f: DashboardFilters): { totals: Totals; agents: AgentFigures[] } {
  const conds: (SQL | undefined)[] = [inProjects(chains.project, projects), eq(chains.session_id, f.session!), gte(chains.last_ts, f.since)];
  const ca = chainAgents;
  if (f.agent !== undefined) conds.push(involves(f.agent));
  const where = and(...conds);
  const t = db.orm
    .select({
      chains: sql<number>`count(*)`,
      completed: sql<number>`total(${chains.status} = 'completed')`,
      failed: sql<number>`total(${chains.status} = 'failed')`,
      steps: sql<number>`total(${chains.events})`,
      conf_sum: sql<number>`total(${chains.conf_sum})`,
      conf_n: sql<number>`total(${chains.conf_n})`,
      handoffs: sql<number>`total(${chains.handoffs})`,
      errors: sql<number>`total(${chains.errors})`,
    })
    .from(chains)
    .where(where)
    .get();
  const join = and(eq(chains.project, ca.project), eq(chains.trace_id, ca.trace_id));
  const rows = db.orm
    .select({
      agent_id: ca.agent_id,
      chains: sql<number>`count(*)`,
      completed: sql<number>`total(${chains.status} = 'completed')`,
      failed: sql<number>`total(${chains.status} = 'failed')`,
      steps: sql<number>`total(${ca.steps})`,
      conf_sum: sql<number>`total(${ca.conf_sum})`,
      conf_n: sql<number>`total(${ca.conf_n})`,
      handoffs_in: sql<number>`total(${ca.handoffs_in})`,
    })
    .from(ca)
    .innerJoin(chains, join)
    .where(and(where, f.agent !== undefined ? eq(ca.agent_id, f.agent) : undefined))
    .groupBy(ca.agent_id)
    .all();
  const out = new Map(
    db.orm
      .select({ agent_id: ca.handed_from, n: sql<number>`total(${ca.handoffs_in})` })
      .from(ca)
      .innerJoin(chains, join)
      .where(and(where, inArray(ca.handed_from, rows.map((r) => r.agent_id))))
      .groupBy(ca.handed_from)
      .all()
      .map((r) => [r.agent_id, r.n]),
  );
  return {
    totals: {
      chains: t?.chains ?? 0, completed: t?.completed ?? 0, failed: t?.failed ?? 0, steps: t?.steps ?? 0,
      handoffs: t?.handoffs ?? 0, errors: t?.errors ?? 0, avg_confidence: ratio(t?.conf_sum ?? 0, t?.conf_n ?? 0),
    },
    agents: rows
      .map((a) => ({
        agent_id: a.agent_id, chains: a.chains, completed: a.completed, failed: a.failed, steps: a.steps,
        avg_confidence: ratio(a.conf_sum, a.conf_n), handoffs_out: out.get(a.agent_id) ?? 0, handoffs_in: a.handoffs_in, errors: null,
      }))
      .sort((a, b) => b.steps - a.steps),
  };
}
