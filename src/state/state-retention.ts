/**
 * Keeps the state tables bounded. Detail (chains with their steps and agents, hypotheses,
 * readings) goes when its keep_until passes — the per-tier retention of the events that
 * made it. Hourly rollups stay 90 days, so dashboard totals do not drop when the hot store sweeps.
 * Deletes run in small chunks with a yield between them, so ingest never waits long.
 */
import type { Clock } from '../core/clock.js';
import type { Tier } from '../core/event.js';
import type { Logger } from '../core/log.js';
import type { SqliteDatabase, SqlStatement, SqlValue } from '../runtime/types.js';
import { sleep } from './sleep.js';

export const ROLLUP_KEEP_MS = 90 * 86_400_000;
const CHAIN_CHUNK = 200;
const ROW_CHUNK = 5000;

const yieldNow = () => new Promise((r) => setImmediate(r));

export class StateRetention {
  removed = 0;

  /** The longest per-tier retention: how long per-session cost detail is kept. */
  private readonly maxRetentionMs: number;

  constructor(private readonly db: SqliteDatabase, private readonly clock: Clock, private readonly logger: Logger, retention: Record<Tier, number>) {
    this.maxRetentionMs = Math.max(...Object.values(retention));
  }

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
    const byKeep: string[] = [
      'DELETE FROM hypotheses WHERE rowid IN (SELECT rowid FROM hypotheses WHERE keep_until < ? LIMIT ?)',
      'DELETE FROM biometrics WHERE (project, subject, subject_id, metric) IN (SELECT project, subject, subject_id, metric FROM biometrics WHERE keep_until < ? LIMIT ?)',
      'DELETE FROM agents WHERE (project, agent_id) IN (SELECT project, agent_id FROM agents WHERE keep_until < ? LIMIT ?)',
    ];
    for (const sql of byKeep) total += await this.chunked(this.db.prepare(sql), [now]);
    // Hourly tables are keyed (project, hour, …): delete per project along the key.
    const byHour: [string, string, number][] = [
      ['cost_session_hourly', 'project, hour, session_id, agent_id, model', now - this.maxRetentionMs],
      ['cost_hourly', 'project, hour, agent_id, model', now - ROLLUP_KEEP_MS],
      ['handoff_hourly', 'project, hour, from_agent, to_agent', now - ROLLUP_KEEP_MS],
      ['chain_hourly', 'project, hour, agent_id', now - ROLLUP_KEEP_MS],
      ['learning_hourly', 'project, hour, agent_id, kind, subtype', now - ROLLUP_KEEP_MS],
      ['learning_all_hourly', 'project, hour, kind, subtype', now - ROLLUP_KEEP_MS],
      ['cost_model_hourly', 'project, hour, model', now - ROLLUP_KEEP_MS],
      ['cost_agent_hourly', 'project, hour, agent_id', now - ROLLUP_KEEP_MS],
    ];
    const projects = this.db.prepare('SELECT project FROM state_projects').all<{ project: string }>().map((r) => r.project);
    for (const [table, key, cutoff] of byHour) {
      const st = this.db.prepare(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE project = ? AND hour < ? LIMIT ?)`);
      for (const p of projects) total += await this.chunked(st, [p, cutoff]);
    }
    this.removed += total;
    return total;
  }

  /** Runs a `… LIMIT ?` delete until it removes less than a chunk, yielding in between. */
  private async chunked(st: SqlStatement, params: SqlValue[]): Promise<number> {
    let total = 0;
    for (;;) {
      const n = this.db.transaction(() => st.run(...params, ROW_CHUNK).changes);
      total += n;
      if (n < ROW_CHUNK) return total;
      await yieldNow();
    }
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
