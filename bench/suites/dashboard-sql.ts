/**
 * The hand-written baseline of the dashboard row: the SQL a user would run against the raw events
 * table for each dashboard, with no state tables — timed on the same database file in the same run.
 */
import { Database } from 'bun:sqlite';
import { join } from 'node:path';
import { Histogram } from '../lib/histogram.js';

const REASONING = "('agent.thought','agent.step','agent.decision','agent.handoff')";

export interface SqlQuery {
  endpoint: string;
  sql: string;
  params: (db: Database) => (string | number)[];
}

export function sqlQueries(traceId: string | undefined): SqlQuery[] {
  const since = (ms: number) => () => [Date.now() - ms];
  return [
    {
      endpoint: '/v1/dashboards/reasoning',
      sql: `SELECT trace_id, COUNT(*) AS steps, AVG(confidence) AS avg_confidence, COUNT(DISTINCT agent_id) AS agents FROM events
            WHERE received_at >= ? AND type IN ${REASONING} GROUP BY trace_id ORDER BY MAX(received_at) DESC LIMIT 50`,
      params: since(3_600_000),
    },
    {
      endpoint: '/v1/dashboards/reasoning/:trace_id',
      sql: 'SELECT * FROM events WHERE trace_id = ? ORDER BY seq',
      params: () => [traceId ?? ''],
    },
    {
      endpoint: '/v1/dashboards/cost?window=24h',
      sql: `SELECT model, agent_id, COUNT(*) AS calls, SUM(cost_usd), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens)
            FROM events WHERE received_at >= ? AND input_tokens IS NOT NULL GROUP BY model, agent_id`,
      params: since(24 * 3_600_000),
    },
    {
      endpoint: '/v1/dashboards/learning',
      sql: `SELECT type, COUNT(*) FROM events WHERE type LIKE 'memory.%' OR type LIKE 'hypothesis.%' OR type LIKE 'knowledge.%' GROUP BY type`,
      params: () => [],
    },
  ];
}

/** The trace with the most reasoning steps in the last hour: a realistic drill-down target. */
export function busiestTrace(dataDir: string): string | undefined {
  const db = new Database(join(dataDir, 'auren.db'), { readonly: true });
  try {
    const row = db.prepare(`SELECT trace_id FROM events WHERE received_at >= ? AND type IN ${REASONING} GROUP BY trace_id ORDER BY COUNT(*) DESC LIMIT 1`)
      .get(Date.now() - 3_600_000) as { trace_id: string } | null;
    return row?.trace_id;
  } finally {
    db.close();
  }
}

/** Runs q repeatedly for up to budgetMs (at least 3 times), returning the latency histogram. */
export function timeSql(dataDir: string, q: SqlQuery, budgetMs: number): Histogram {
  const db = new Database(join(dataDir, 'auren.db'), { readonly: true });
  const h = new Histogram();
  try {
    const st = db.prepare(q.sql);
    const end = performance.now() + budgetMs;
    for (let i = 0; i < 200 && (i < 3 || performance.now() < end); i++) {
      const t = performance.now();
      st.all(...q.params(db));
      h.record(performance.now() - t);
    }
  } finally {
    db.close();
  }
  return h;
}
