/**
 * Row 5 — slow consumers: 1,000 stream clients of which 10% complete the upgrade and then never read.
 * Reports the server's peak RSS and the fast clients' critical-probe p99 and deliveries, per system:
 * memory must stay bounded however slow the stalled clients are.
 */
import { baselineFor, withSystem, type SuiteContext } from '../lib/context.js';
import { fanout, type FanoutResult } from '../lib/fanout-run.js';
import { fmtBytes, fmtCount, fmtMs, fmtNum, ratio, type Row } from '../lib/report.js';
import { LABEL, metric, type SystemId } from '../lib/systems.js';

export async function slowSuite(ctx: SuiteContext): Promise<Row[]> {
  const n = ctx.opts.slowClients;
  const stalled = Math.round(n / 10);
  // Stalled sockets first fill kernel buffers (up to a few MiB each) before any server sees backpressure.
  const seconds = ctx.opts.quick ? ctx.opts.seconds : Math.max(ctx.opts.seconds, 20);
  const offered = ctx.opts.fanoutOffered / 2;
  const got = new Map<SystemId, FanoutResult & { slowClosed?: number }>();
  for (const id of ctx.opts.systems) {
    ctx.log(`slow consumers ${n} clients (${stalled} stalled): ${LABEL[id]}`);
    got.set(id, await withSystem(ctx, id, async (sys) => {
      const r = await fanout(ctx, sys, { clients: n, stalled, offered, seconds });
      const slowClosed = id.startsWith('auren') ? await metric(sys.url, 'auren_stream_disconnects_total', 'reason="slow_consumer"') : undefined;
      return { ...r, slowClosed };
    }));
  }
  const measure = `${fmtCount(n)} clients, ${fmtCount(stalled)} never read (${fmtNum(offered)} deliv/s offered, ${seconds}s)`;
  const rows: Row[] = [];
  for (const id of ctx.opts.systems) {
    const r = got.get(id)!;
    const b = baselineFor(id, got, (g) => g.rssMax);
    const row: Row = {
      row: 5, measure: `${measure}: server peak RSS`, system: LABEL[id], value: r.rssMax, unit: 'bytes', baseline: b, ratio: ratio(r.rssMax, b?.value),
      note: `RSS at the end ${fmtBytes(r.rssEnd)}; fast clients got ${(r.coverage * 100).toFixed(1)}% at ${fmtNum(r.deliveries)} deliv/s` +
        `${r.slowClosed !== undefined ? `; server closed ${r.slowClosed} slow clients (4008)` : ''}`,
      details: { rssMax: r.rssMax, rssEnd: r.rssEnd, deliveries: r.deliveries, coverage: r.coverage, p99: r.p99, slowClosed: r.slowClosed, closes: r.report.closes, lagged: r.report.lagged },
    };
    if (id === 'auren-bun') {
      row.target = '< 300 MB';
      row.met = r.rssMax < 300e6;
    }
    rows.push(row);
  }
  for (const id of ctx.opts.systems) {
    const r = got.get(id)!;
    const b = baselineFor(id, got, (g) => g.p99);
    rows.push({
      row: 5, measure: `${measure}: fast clients' critical p99`, system: LABEL[id], value: r.p99 ?? null, unit: 'ms', baseline: b, ratio: ratio(r.p99, b?.value),
      note: `${r.report.latency.count} probe deliveries; p50 ${fmtMs(r.report.latency.quantile(0.5))}; ${r.report.lagged} lagged frames`,
    });
  }
  return rows;
}
