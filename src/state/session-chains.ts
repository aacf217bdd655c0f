/**
 * The chains of one session (the session filter of the reasoning and cost views) and their agents.
 * A session holds a handful of chains, so the views are summed here rather than by a join that
 * SQLite would drive from the (large) agents table.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { activeSince, involves } from './chain-filters.js';
import type { ChainRow } from './chain-summary.js';
import type { DashboardFilters } from './filters.js';
import { inProjects } from './query-util.js';
import { chainAgents, chains } from './schema/index.js';

export type ChainAgentRow = typeof chainAgents.$inferSelect;

export function sessionChains(db: SqliteDatabase, projects: string[], f: DashboardFilters): ChainRow[] {
  return db.orm
    .select()
    .from(chains)
    .where(and(inProjects(chains.project, projects), eq(chains.session_id, f.session!), activeSince(f.since), f.agent !== undefined ? involves(f.agent) : undefined))
    .all();
}

export function agentsOf(db: SqliteDatabase, rows: readonly ChainRow[]): ChainAgentRow[] {
  const byProject = new Map<string, string[]>();
  for (const r of rows) {
    let l = byProject.get(r.project);
    if (!l) byProject.set(r.project, (l = []));
    l.push(r.trace_id);
  }
  const out: ChainAgentRow[] = [];
  for (const [project, traces] of byProject) {
    for (let i = 0; i < traces.length; i += 500) {
      out.push(...db.orm.select().from(chainAgents).where(and(eq(chainAgents.project, project), inArray(chainAgents.trace_id, traces.slice(i, i + 500)))).all());
    }
  }
  return out;
}

/** Handoffs within the session's chains: (handed_from → agent) with their count and cost. */
export function sessionHandoffs(agents: readonly ChainAgentRow[], agent: string | undefined): { from_agent: string; to_agent: string; handoffs: number; cost_usd: number }[] {
  const pairs = new Map<string, { from_agent: string; to_agent: string; handoffs: number; cost_usd: number }>();
  for (const a of agents) {
    if (a.handed_from === null) continue;
    if (agent !== undefined && a.handed_from !== agent && a.agent_id !== agent) continue;
    const k = `${a.handed_from}\u0000${a.agent_id}`;
    const p = pairs.get(k);
    if (p) {
      p.handoffs += a.handoffs_in;
      p.cost_usd += a.handoff_cost_usd;
    } else pairs.set(k, { from_agent: a.handed_from, to_agent: a.agent_id, handoffs: a.handoffs_in, cost_usd: a.handoff_cost_usd });
  }
  return [...pairs.values()];
}
