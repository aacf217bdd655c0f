/**
 * GET /v1/dashboards/reasoning/:trace_id: one chain with its step tree (`steps`, each with
 * `children`), agents, handoffs and biometric context. The tree is built and serialized without
 * recursion (chains may be 100,000 steps deep).
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { SqliteDatabase } from '../runtime/types.js';
import { latestReadings } from './biometric-query.js';
import { summarize } from './chain-summary.js';
import { inProjects, ratio, usd } from './query-util.js';
import { chainAgents, chains, chainStepPages } from './schema/index.js';
import { stepDetails } from './step-details.js';
import { fromTuple, type Step, type StepTuple } from './step-page.js';
import { buildTree, treeJson } from './step-tree.js';
import { iso } from './time.js';

export const DEFAULT_STEP_LIMIT = 5000;
export const MAX_STEP_LIMIT = 100_000;

/** The response JSON, or undefined when no chain with this trace_id is visible. */
export function chainDetailJson(db: SqliteDatabase, projects: string[], traceId: string, limit: number, now: number, activeMs: number): string | undefined {
  const chain = db.orm
    .select()
    .from(chains)
    .where(and(inProjects(chains.project, projects), eq(chains.trace_id, traceId)))
    .orderBy(desc(chains.last_ts))
    .limit(1)
    .get();
  if (!chain) return undefined;
  const rows = readSteps(db, chain.project, traceId, limit);
  const details = stepDetails(db, rows.map((r) => r.seq));
  // Siblings in the order they happened, whatever order they arrived in.
  rows.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  const tree = buildTree(rows);
  const agentRows = db.orm
    .select()
    .from(chainAgents)
    .where(and(eq(chainAgents.project, chain.project), eq(chainAgents.trace_id, traceId)))
    .orderBy(asc(chainAgents.first_ts))
    .all();
  const agentReadings = latestReadings(db, chain.project, 'agent', agentRows.map((a) => a.agent_id));
  const sessionReadings = chain.session_id ? latestReadings(db, chain.project, 'session', [chain.session_id]).get(chain.session_id) : undefined;

  const head = {
    trace_id: traceId,
    project: chain.project,
    chain: summarize(db, [chain], now, activeMs)[0],
    agents: agentRows.map((a) => ({
      agent_id: a.agent_id,
      steps: a.steps,
      avg_confidence: ratio(a.conf_sum, a.conf_n),
      handed_from: a.handed_from === '' ? null : a.handed_from,
      handoffs_in: a.handoffs_in,
      cost_usd: usd(a.cost_usd),
      handoff_cost_usd: usd(a.handoff_cost_usd),
      first_ts: iso(a.first_ts),
      last_ts: iso(a.last_ts),
      ...(agentReadings.has(a.agent_id) ? { biometrics: agentReadings.get(a.agent_id) } : {}),
    })),
    handoffs: rows.flatMap((r) => {
      const d = details.get(r.seq);
      return d?.to_agent !== undefined ? [{ seq: r.seq, ts: iso(r.ts), from_agent: d.agent_id ?? null, to_agent: d.to_agent }] : [];
    }),
    biometrics: sessionReadings ?? {},
    total_steps: chain.events,
    returned_steps: rows.length,
    truncated: rows.length < chain.events,
    limit,
    max_depth: tree.maxDepth,
    roots: tree.roots.length,
    missing_parents: tree.missingParent.size,
    cycles: tree.cycle.size,
  };
  const steps = treeJson(tree, (i) => {
    const r = rows[i];
    const node: Record<string, unknown> = { seq: r.seq, ts: iso(r.ts), type: r.type };
    if (r.span_id !== null) node.span_id = r.span_id;
    if (r.parent_span_id !== null) node.parent_span_id = r.parent_span_id;
    const more = details.get(r.seq);
    if (more) Object.assign(node, more);
    if (tree.missingParent.has(i)) {
      node.missing_parent = true;
      node.note = rows.length < chain.events ? 'parent not among the returned steps (raise limit) or not seen' : 'parent not seen';
    }
    if (tree.cycle.has(i)) {
      node.cycle = true;
      node.note = 'cycle in parent_span_id, cut here';
    }
    return JSON.stringify(node);
  });
  return `${JSON.stringify(head).slice(0, -1)},"steps":${steps}}`;
}


/** The chain's first `limit` steps by arrival (seq), from its pages. */
function readSteps(db: SqliteDatabase, project: string, traceId: string, limit: number): Step[] {
  const p = chainStepPages;
  const pages = db.orm
    .select({ steps: p.steps })
    .from(p)
    .where(and(eq(p.project, project), eq(p.trace_id, traceId)))
    .orderBy(asc(p.first_seq))
    .all();
  const out: Step[] = [];
  for (const pg of pages) {
    for (const t of JSON.parse(pg.steps) as StepTuple[]) {
      if (out.length >= limit) return out;
      out.push(fromTuple(t));
    }
  }
  return out;
}
