/**
 * Window totals of the reasoning dashboard: chains started, completed, failed, steps, handoffs,
 * errors and average confidence, overall and per agent. From the hourly rollups (which outlive the
 * chains' detail), or — for one session — from that session's chains.
 */
import { and, eq, gte, ne, sql } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import type { DashboardFilters } from './filters.js';
import { inProjects, ratio } from './query-util.js';
import { chainHourly } from './schema/index.js';
import { agentsOf, sessionChains } from './session-chains.js';

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

/** The same figures for one session, summed over its (few) chains. */
export function sessionTotals(db: SqliteDatabase, projects: string[], f: DashboardFilters): { totals: Totals; agents: AgentFigures[] } {
  const rows = sessionChains(db, projects, f);
  const statusOf = new Map(rows.map((r) => [`${r.project}\u0000${r.trace_id}`, r.status]));
  let confSum = 0;
  let confN = 0;
  const totals: Totals = { chains: rows.length, completed: 0, failed: 0, steps: 0, handoffs: 0, errors: 0, avg_confidence: null };
  for (const r of rows) {
    if (r.status === 'completed') totals.completed++;
    if (r.status === 'failed') totals.failed++;
    totals.steps += r.events;
    totals.handoffs += r.handoffs;
    totals.errors += r.errors;
    confSum += r.conf_sum;
    confN += r.conf_n;
  }
  totals.avg_confidence = ratio(confSum, confN);
  const per = new Map<string, AgentFigures & { conf_sum: number; conf_n: number }>();
  const figures = (id: string) => {
    let a = per.get(id);
    if (!a) per.set(id, (a = { agent_id: id, chains: 0, completed: 0, failed: 0, steps: 0, avg_confidence: null, handoffs_out: 0, handoffs_in: 0, errors: null, conf_sum: 0, conf_n: 0 }));
    return a;
  };
  for (const ca of agentsOf(db, rows)) {
    if (ca.handed_from !== null && ca.handed_from !== '') figures(ca.handed_from).handoffs_out += ca.handoffs_in;
    const a = figures(ca.agent_id);
    const status = statusOf.get(`${ca.project}\u0000${ca.trace_id}`);
    a.chains++;
    if (status === 'completed') a.completed++;
    if (status === 'failed') a.failed++;
    a.steps += ca.steps;
    a.handoffs_in += ca.handoffs_in;
    a.conf_sum += ca.conf_sum;
    a.conf_n += ca.conf_n;
  }
  const agents = [...per.values()]
    .filter((a) => a.chains > 0 && (f.agent === undefined || a.agent_id === f.agent))
    .map(({ conf_sum, conf_n, ...a }) => ({ ...a, avg_confidence: ratio(conf_sum, conf_n) }))
    .sort((a, b) => b.steps - a.steps);
  return { totals, agents };
}
