/**
 * Keeps the state tables bounded. Detail (chains with their steps and agents, hypotheses,
 * readings, sessions) goes when its keep_until passes — the per-tier retention of the events that
 * made it. Hourly rollups stay 90 days, so dashboard totals do not drop when the hot store sweeps.
 * Deletes run in small chunks with a yield between them, so ingest never waits long.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { SqliteDatabase } from '../runtime/types.js';
import { sleep } from './sleep.js';

export const ROLLUP_KEEP_MS = 90 * 86_400_000;
const CHAIN_CHUNK = 200;
const ROW_CHUNK = 5000;

const yieldNow = () => new Promise((r) => setImmediate(r));

export class StateRetention {
  removed = 0;

  constructor(private readonly db: SqliteDatabase, private readonly clock: Clock, private readonly logger: Logger, private readonly maxRetentionMs: number) {}

  async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    const expired = this.db.prepare('SELECT project, trace_id FROM chains WHERE keep_until < ? LIMIT ?');
    const dropSteps = this.db.prepare('DELETE FROM chain_step_pages WHERE project = ? AND trace_id = ?');
    const dropAgents = this.db.prepare('DELETE FROM chain_agents WHERE project = ? AND trace_id = ?');
    const dropChain = this.db.prepare('DELETE FROM chains WHERE project = ? AND trace_id = ?');
    for (;;) {
      const batch = expired.all<{ project: string; trace_id: string }>(now, CHAIN_CHUNK);
      this.db.transaction(() => {
        for (const c of batch) {
          dropSteps.run(c.project, c.trace_id);
          dropAgents.run(c.project, c.trace_id);
          total += dropChain.run(c.project, c.trace_id).changes;
        }
      });
      if (batch.length < CHAIN_CHUNK) break;
      await yieldNow();
    }
    const sessionHourCutoff = now - this.maxRetentionMs;
    const rollupCutoff = now - ROLLUP_KEEP_MS;
    const plans: [string, number][] = [
      ['DELETE FROM hypotheses WHERE rowid IN (SELECT rowid FROM hypotheses WHERE keep_until < ? LIMIT ?)', now],
      ['DELETE FROM biometrics WHERE (project, subject, subject_id, metric) IN (SELECT project, subject, subject_id, metric FROM biometrics WHERE keep_until < ? LIMIT ?)', now],
      ['DELETE FROM agents WHERE (project, agent_id) IN (SELECT project, agent_id FROM agents WHERE keep_until < ? LIMIT ?)', now],
      ['DELETE FROM cost_sessions WHERE (project, session_id) IN (SELECT project, session_id FROM cost_sessions WHERE keep_until < ? LIMIT ?)', now],
      ['DELETE FROM cost_session_hourly WHERE (project, session_id, hour, agent_id, model) IN (SELECT project, session_id, hour, agent_id, model FROM cost_session_hourly WHERE hour < ? LIMIT ?)', sessionHourCutoff],
      ['DELETE FROM cost_hourly WHERE (project, hour, agent_id, model) IN (SELECT project, hour, agent_id, model FROM cost_hourly WHERE hour < ? LIMIT ?)', rollupCutoff],
      ['DELETE FROM handoff_hourly WHERE (project, hour, from_agent, to_agent, model) IN (SELECT project, hour, from_agent, to_agent, model FROM handoff_hourly WHERE hour < ? LIMIT ?)', rollupCutoff],
      ['DELETE FROM chain_hourly WHERE (project, hour, agent_id) IN (SELECT project, hour, agent_id FROM chain_hourly WHERE hour < ? LIMIT ?)', rollupCutoff],
      ['DELETE FROM learning_hourly WHERE (project, hour, agent_id, kind, subtype) IN (SELECT project, hour, agent_id, kind, subtype FROM learning_hourly WHERE hour < ? LIMIT ?)', rollupCutoff],
    ];
    for (const [sql, cutoff] of plans) {
      const st = this.db.prepare(sql);
      for (;;) {
        const n = this.db.transaction(() => st.run(cutoff, ROW_CHUNK).changes);
        total += n;
        if (n < ROW_CHUNK) break;
        await yieldNow();
      }
    }
    this.removed += total;
    return total;
  }

  async run(signal: AbortSignal, intervalMs = 60_000): Promise<void> {
    while (!signal.aborted) {
      try {
        const n = await this.sweepOnce();
        if (n) this.logger.debug('dashboard state retention', { deleted: n });
      } catch (err) {
        this.logger.warn('dashboard state retention failed; will retry', { err });
      }
      await sleep(intervalMs, signal);
    }
  }
}
