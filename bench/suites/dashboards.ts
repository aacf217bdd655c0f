/**
 * Row 6 — dashboard queries: p99 of each dashboard endpoint on a store seeded with 10 M events
 * (`--dashboard-events` for less), against the raw SQL a user would run on the events table for the
 * same answer, timed on the same (events-only) database.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { withSystem, type SuiteContext } from '../lib/context.js';
import { Histogram } from '../lib/histogram.js';
import { sleep } from '../lib/procs.js';
import { fmtBytes, fmtCount, fmtMs, fmtNum, ratio, type Row } from '../lib/report.js';
import { copyStore, pristineStore, stateStore } from '../lib/seed-cache.js';
import { LABEL, metric } from '../lib/systems.js';
import { busiestTrace, sqlQueries, timeSql } from './dashboard-sql.js';

const LONG_RETENTION = ['--retention', 'critical=30d,operational=30d,analytical=30d'];

/** Waits until the dashboard state has applied every stored event; returns the seconds it took. */
async function waitForState(url: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const lag = await metric(url, 'auren_dashboard_state_lag_events');
    if (lag === 0 || (lag === undefined && (await fetch(url + '/readyz')).status === 200)) return (performance.now() - t0) / 1000;
    await sleep(500);
  }
  throw new Error(`the dashboard state did not catch up within ${timeoutMs / 1000} s`);
}

async function timeHttp(url: string, budgetMs: number): Promise<{ h: Histogram; status: number }> {
  const h = new Histogram();
  let status = 0;
  const end = performance.now() + budgetMs;
  for (let i = 0; i < 2000 && (i < 5 || performance.now() < end); i++) {
    const t = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    status = res.status;
    if (status !== 200) break;
    h.record(performance.now() - t);
  }
  return { h, status };
}

export async function dashboardsSuite(ctx: SuiteContext): Promise<Row[]> {
  const n = ctx.opts.dashboardEvents;
  const budget = ctx.opts.quick ? 500 : 8000;
  const pristine = await pristineStore(n, ctx.log);
  const dbBytes = statSync(join(pristine.dir, 'auren.db')).size;
  const trace = busiestTrace(pristine.dir);
  ctx.log(`dashboards: raw SQL baseline on ${fmtCount(n)} events`);
  const sql = sqlQueries(trace).map((q) => ({ q, h: timeSql(pristine.dir, q, budget) }));
  const withState = await stateStore(pristine, n, (dir) => {
    ctx.log(`dashboards: building the dashboard state of ${fmtCount(n)} events (cached afterwards)`);
    return withSystem(ctx, 'auren-bun', (sys) => waitForState(sys.url, Math.max(120_000, n / 2)), { dataDir: dir, extra: LONG_RETENTION, startTimeoutMs: 900_000 });
  });
  const run = copyStore(withState, join(ctx.env.runDir, 'dashboards'));
  ctx.log(`dashboards: ${LABEL['auren-bun']} on the seeded store`);
  return withSystem(ctx, 'auren-bun', async (sys) => {
    await waitForState(sys.url, 600_000);
    const storeNote = `${fmtCount(n)} events, ${fmtBytes(dbBytes)} (seeded at ${fmtNum(n / pristine.seconds)} ev/s` +
      `; dashboard state built at ${fmtNum(n / withState.seconds)} ev/s${withState.reused ? ', cached' : ''}); Auren listening after ${(sys.startMs / 1000).toFixed(1)} s`;
    const rows: Row[] = [];
    for (const { q, h: base } of sql) {
      const path = q.endpoint.replace(':trace_id', encodeURIComponent(trace ?? 'none'));
      const { h, status } = await timeHttp(sys.url + path, budget);
      const measure = `${q.endpoint} p99, ${fmtCount(n)} stored events`;
      const baseline = { label: 'raw SQL on the events table p99', value: base.quantile(0.99) ?? null };
      if (status !== 200) {
        rows.push({ row: 6, measure, system: LABEL['auren-bun'], value: null, unit: 'ms', status: 'pending', note: `HTTP ${status}`, baseline });
        continue;
      }
      rows.push({
        row: 6, measure, system: LABEL['auren-bun'], value: h.quantile(0.99) ?? null, unit: 'ms',
        display: `p50 ${fmtMs(h.quantile(0.5))} · p99 ${fmtMs(h.quantile(0.99))}`, baseline, ratio: ratio(h.quantile(0.99), baseline.value),
        note: `${h.count} requests; SQL p50 ${fmtMs(base.quantile(0.5))} over ${base.count} runs${rows.length === 0 ? `; ${storeNote}` : ''}`,
        details: { n: h.count, p50: h.quantile(0.5), p99: h.quantile(0.99), sqlP50: base.quantile(0.5), sqlP99: base.quantile(0.99), events: n, dbBytes,
          startMs: sys.startMs, seedSeconds: pristine.seconds, stateSeconds: withState.seconds, stateCached: withState.reused, copySeconds: run.seconds },
      });
    }
    if (rows.every((r) => r.status === 'pending')) rows[0].note = `dashboard routes not in this build; ${storeNote}`;
    return rows;
  }, { dataDir: run.dir, extra: LONG_RETENTION, startTimeoutMs: 900_000 });
}
