/**
 * Row 6 — dashboard queries: p99 of each dashboard endpoint on a store seeded with 10 M events
 * (`--dashboard-events` for less), against the raw SQL a user would run on the events table for the
 * same answer, timed on the same database before Auren opens it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { withSystem, type SuiteContext } from '../lib/context.js';
import { Histogram } from '../lib/histogram.js';
import { sleep } from '../lib/procs.js';
import { fmtBytes, fmtCount, fmtMs, ratio, type Row } from '../lib/report.js';
import { seededCopy } from '../lib/seed-cache.js';
import { LABEL } from '../lib/systems.js';
import { busiestTrace, sqlQueries, timeSql } from './dashboard-sql.js';

const LONG_RETENTION = ['--retention', 'critical=30d,operational=30d,analytical=30d'];

/** Waits until the dashboard state has applied every stored event (its lag gauge reads 0) or /readyz is 200. */
async function waitForState(url: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const text = await (await fetch(url + '/metrics')).text();
    const lag = /^auren_(?:state|dashboards?)\w*(?:lag|behind|backlog)\w*(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(text);
    const ready = (await fetch(url + '/readyz')).status === 200;
    if (ready && (!lag || Number(lag[1]) === 0)) return (performance.now() - t0) / 1000;
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
  const seeded = await seededCopy(n, join(ctx.env.runDir, 'dashboards'), ctx.log);
  const dbBytes = statSync(join(seeded.dataDir, 'auren.db')).size;
  const trace = busiestTrace(seeded.dataDir);
  const budget = ctx.opts.quick ? 500 : 8000;
  ctx.log(`dashboards: raw SQL baseline on ${fmtCount(n)} events`);
  const sql = sqlQueries(trace).map((q) => ({ q, h: timeSql(seeded.dataDir, q, budget) }));
  ctx.log(`dashboards: ${LABEL['auren-bun']} on the seeded store`);
  return withSystem(ctx, 'auren-bun', async (sys) => {
    const catchUp = await waitForState(sys.url, Math.max(60_000, n / 5));
    const storeNote = `${fmtCount(n)} events (${fmtBytes(dbBytes)}; seeded in ${seeded.seedSeconds.toFixed(0)} s${seeded.reused ? ', reused' : ''}); ` +
      `Auren listening after ${(sys.startMs / 1000).toFixed(1)} s, dashboards caught up ${catchUp.toFixed(1)} s later`;
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
        details: { n: h.count, p50: h.quantile(0.5), p99: h.quantile(0.99), sqlP50: base.quantile(0.5), sqlP99: base.quantile(0.99), events: n, dbBytes, startMs: sys.startMs, catchUpSeconds: catchUp },
      });
    }
    if (rows.every((r) => r.status === 'pending')) rows[0].note = `dashboard routes not in this build; ${storeNote}`;
    return rows;
  }, { dataDir: seeded.dataDir, extra: LONG_RETENTION, startTimeoutMs: 900_000 });
}
