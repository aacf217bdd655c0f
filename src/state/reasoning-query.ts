/**
 * GET /v1/dashboards/reasoning: active chains (running, activity in the last N minutes), recently
 * finished ones, totals and per-agent figures for the window, handoffs between agents, and the
 * latest biometric readings beside each agent. Without a session filter the totals come from the
 * hourly rollups; with one, from that session's chains.
 */
import { and, desc, eq, gte, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { latestReadings, type Readings } from './biometric-query.js';
import { involves } from './chain-filters.js';
import { summarize, type ChainSummary } from './chain-summary.js';
import { echoFilters, type DashboardFilters } from './filters.js';
import type { HandoffIndex } from './handoff-index.js';
import { windowPairs } from './handoff-query.js';
import { agentsOf, sessionChains, sessionHandoffs } from './session-chains.js';
import { inProjects, orNull } from './query-util.js';
import { reasoningTotals, sessionTotals, type AgentFigures, type Totals } from './reasoning-totals.js';
import { agents as agentsSeen, chains } from './schema/index.js';
import { iso } from './time.js';

export const DEFAULT_ACTIVE_MINUTES = 5;
export const ACTIVE_LIST_LIMIT = 100;
const RECENT_LIMIT = 20;

export interface ReasoningDashboard {
  window: string;
  since: string;
  active_minutes: number;
  filters: Record<string, string>;
  ignored_filters?: string[];
  active_chains: ChainSummary[];
  active_count: number;
  recent_chains: ChainSummary[];
  totals: Totals;
  avg_confidence: number | null;
  agents: (AgentFigures & { last_ts: string | null; biometrics?: Readings })[];
  handoffs: { from_agent: string | null; to_agent: string; count: number }[];
}

export function reasoningDashboard(db: SqliteDatabase, projects: string[], f: DashboardFilters, now: number, activeMinutes: number, index?: HandoffIndex): ReasoningDashboard {
  const activeMs = activeMinutes * 60_000;
  const scope = chainScope(projects, f);
  const activeWhere = and(scope, eq(chains.status, 'running'), gte(chains.last_ts, now - activeMs));
  const active = db.orm.select().from(chains).where(activeWhere).orderBy(desc(chains.last_ts)).limit(ACTIVE_LIST_LIMIT).all();
  const activeCount = db.orm.select({ n: sql<number>`count(*)` }).from(chains).where(activeWhere).get()?.n ?? 0;
  const recent = db.orm
    .select()
    .from(chains)
    .where(and(scope, isNotNull(chains.ended_ts), gte(chains.ended_ts, f.since)))
    .orderBy(desc(chains.ended_ts))
    .limit(RECENT_LIMIT)
    .all();
  const { totals, agents } = f.session !== undefined ? sessionTotals(db, projects, f) : reasoningTotals(db, projects, f);
  const out: ReasoningDashboard = {
    window: f.window,
    since: iso(f.since),
    active_minutes: activeMinutes,
    filters: echoFilters(f),
    active_chains: summarize(db, active, now, activeMs),
    active_count: activeCount,
    recent_chains: summarize(db, recent, now, activeMs),
    totals,
    avg_confidence: totals.avg_confidence,
    agents: withContext(db, projects, agents),
    handoffs: handoffPairs(db, projects, f, index),
  };
  if (f.model !== undefined) out.ignored_filters = ['model'];
  return out;
}

/** Chains of the caller's projects, narrowed to an agent (via chain_agents) and a session. */
function chainScope(projects: string[], f: DashboardFilters): SQL | undefined {
  const conds: (SQL | undefined)[] = [inProjects(chains.project, projects)];
  if (f.session !== undefined) conds.push(eq(chains.session_id, f.session));
  if (f.agent !== undefined) conds.push(involves(f.agent));
  return and(...conds);
}


/** Adds when each agent was last seen and its latest biometric readings. */
function withContext(db: SqliteDatabase, projects: string[], figures: AgentFigures[]): ReasoningDashboard['agents'] {
  if (figures.length === 0) return [];
  const ids = figures.map((a) => a.agent_id);
  const lastSeen = new Map<string, number>();
  const readings = new Map<string, Readings>();
  for (const project of projects) {
    const rows = db.orm
      .select({ agent_id: agentsSeen.agent_id, last_ts: agentsSeen.last_ts })
      .from(agentsSeen)
      .where(and(eq(agentsSeen.project, project), inArray(agentsSeen.agent_id, ids)))
      .all();
    for (const r of rows) lastSeen.set(r.agent_id, Math.max(lastSeen.get(r.agent_id) ?? 0, r.last_ts));
    for (const [id, m] of latestReadings(db, project, 'agent', ids)) readings.set(id, { ...readings.get(id), ...m });
  }
  return figures.map((a) => {
    const seen = lastSeen.get(a.agent_id);
    const b = readings.get(a.agent_id);
    return { ...a, last_ts: seen === undefined ? null : iso(seen), ...(b ? { biometrics: b } : {}) };
  });
}

function handoffPairs(db: SqliteDatabase, projects: string[], f: DashboardFilters, index?: HandoffIndex): ReasoningDashboard['handoffs'] {
  if (f.session !== undefined) {
    return sessionHandoffs(agentsOf(db, sessionChains(db, projects, f)), f.agent)
      .map((p) => ({ from_agent: orNull(p.from_agent), to_agent: p.to_agent, count: p.handoffs }))
      .sort((a, b) => b.count - a.count);
  }
  return windowPairs(db, projects, f, index)
    .filter((p) => p.handoffs > 0)
    .map((p) => ({ from_agent: p.from_agent, to_agent: p.to_agent, count: p.handoffs }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 100);
}

