/**
 * Writes a batch's chain and (chain, agent) sums with one upsert each, and turns status changes
 * into completed/failed counts in the hourly rollup (moving a count when a chain's outcome changes).
 */
import type { SqliteDatabase, SqlStatement } from '../runtime/types.js';
import type { AgentAgg, ChainAgg } from './chain-agg.js';
import type { Rollup } from './rollup.js';
import { hourOf } from './time.js';

export class ChainStore {
  private readonly upsertAgent: SqlStatement;
  private readonly upsertChain: SqlStatement;
  private readonly readStatus: SqlStatement;
  private readonly setStatus: SqlStatement;
  private readonly chainAgents: SqlStatement;

  constructor(db: SqliteDatabase) {
    this.upsertAgent = db.prepare(`
      INSERT INTO chain_agents (project, trace_id, agent_id, handed_from, handoffs_in, steps, conf_sum, conf_n, first_ts, last_ts, cost_usd, handoff_cost_usd)
      VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
      ON CONFLICT (project, trace_id, agent_id) DO UPDATE SET
        handed_from = COALESCE(excluded.handed_from, chain_agents.handed_from),
        handoffs_in = chain_agents.handoffs_in + excluded.handoffs_in,
        steps = chain_agents.steps + excluded.steps,
        conf_sum = chain_agents.conf_sum + excluded.conf_sum,
        conf_n = chain_agents.conf_n + excluded.conf_n,
        first_ts = MIN(chain_agents.first_ts, excluded.first_ts),
        last_ts = MAX(chain_agents.last_ts, excluded.last_ts),
        cost_usd = chain_agents.cost_usd + excluded.cost_usd,
        handoff_cost_usd = chain_agents.handoff_cost_usd + excluded.handoff_cost_usd
      RETURNING steps + handoffs_in AS touches`);
    this.upsertChain = db.prepare(`
      INSERT INTO chains (project, trace_id, session_id, first_ts, last_ts, events, conf_sum, conf_n, handoffs, errors, cost_usd,
        status, ended_ts, last_type, last_agent, text_seq, keep_until)
      VALUES (?,?,?,?,?,?,?,?,?,?,?,'running',NULL,?,?,?,?)
      ON CONFLICT (project, trace_id) DO UPDATE SET
        session_id = COALESCE(chains.session_id, excluded.session_id),
        first_ts = MIN(chains.first_ts, excluded.first_ts),
        last_type = CASE WHEN excluded.last_ts >= chains.last_ts THEN excluded.last_type ELSE chains.last_type END,
        last_agent = CASE WHEN excluded.last_ts >= chains.last_ts THEN excluded.last_agent ELSE chains.last_agent END,
        text_seq = MAX(COALESCE(chains.text_seq, 0), COALESCE(excluded.text_seq, 0)),
        last_ts = MAX(chains.last_ts, excluded.last_ts),
        events = chains.events + excluded.events,
        conf_sum = chains.conf_sum + excluded.conf_sum,
        conf_n = chains.conf_n + excluded.conf_n,
        handoffs = chains.handoffs + excluded.handoffs,
        errors = chains.errors + excluded.errors,
        cost_usd = chains.cost_usd + excluded.cost_usd,
        keep_until = MAX(chains.keep_until, excluded.keep_until)
      RETURNING events`);
    this.readStatus = db.prepare('SELECT status, ended_ts FROM chains WHERE project = ? AND trace_id = ?');
    this.setStatus = db.prepare('UPDATE chains SET status = ?, ended_ts = ? WHERE project = ? AND trace_id = ?');
    this.chainAgents = db.prepare('SELECT agent_id FROM chain_agents WHERE project = ? AND trace_id = ?');
  }

  flushAgents(aggs: Iterable<AgentAgg>, hourly: Rollup): void {
    for (const a of aggs) {
      const r = this.upsertAgent.get<{ touches: number }>(
        a.project, a.trace, a.agent, a.handed_from, a.handoffs_in, a.steps, a.conf_sum, a.conf_n, a.first_ts, a.last_ts, a.cost, a.handoff_cost,
      );
      // The row holds exactly this batch's touches only when the agent joined the chain just now.
      if (r && r.touches === a.steps + a.handoffs_in) hourly.bump([a.project, hourOf(a.first_ts), a.agent], 'chains', 1);
    }
  }

  /** Call after flushAgents, so a chain's agent list is complete when its outcome is counted. */
  flushChains(aggs: Iterable<ChainAgg>, hourly: Rollup): void {
    for (const c of aggs) {
      const before = c.terminal ? this.readStatus.get<{ status: string; ended_ts: number | null }>(c.project, c.trace) : undefined;
      const r = this.upsertChain.get<{ events: number }>(
        c.project, c.trace, c.session, c.first_ts, c.last_ts, c.events, c.conf_sum, c.conf_n, c.handoffs, c.errors, c.cost,
        c.last_type, c.last_agent, c.text_seq, c.keep_until,
      );
      if (r && r.events === c.events) hourly.bump([c.project, hourOf(c.first_ts), ''], 'chains', 1);
      if (!c.terminal) continue;
      const old = before?.status ?? 'running';
      const next = c.terminal.status;
      if (old === next) continue;
      const agents = this.chainAgents.all<{ agent_id: string }>(c.project, c.trace).map((x) => x.agent_id);
      for (const who of ['', ...agents]) {
        if (old !== 'running' && before?.ended_ts != null) hourly.bump([c.project, hourOf(before.ended_ts), who], old, -1);
        if (next !== 'running') hourly.bump([c.project, hourOf(c.terminal.ts), who], next, 1);
      }
      this.setStatus.run(next, next === 'running' ? null : c.terminal.ts, c.project, c.trace);
    }
  }
}
