/**
 * Rows 2 and 3 — latency from POST to the WebSocket frame, measured by one probe process (one
 * clock): critical p50/p99/p999 idle and under paced background load (default 20k events/s), and
 * the batched tiers' p99 against their flush windows (operational 100 ms, analytical 500 ms).
 */
import { join } from 'node:path';
import { baselineFor, UNLIMITED_CLIENT, withSystem, type SuiteContext } from '../lib/context.js';
import { Histogram } from '../lib/histogram.js';
import { startPaced, type PacedReport } from '../lib/paced.js';
import { sleep, startChild } from '../lib/procs.js';
import { buckets, quantileBetween, scrape } from '../lib/prom.js';
import { fmtMs, fmtNum, ratio, type Row } from '../lib/report.js';
import { bunPath, LABEL, ROOT, type System, type SystemId } from '../lib/systems.js';

interface Probed {
  critical: Histogram;
  operational: Histogram;
  analytical: Histogram;
  missing: number;
  failedPosts: number;
  background?: PacedReport;
  /** Auren's own p99 from receipt to frame written (bucket bound), in ms. */
  serverP99?: number;
}

const CRITICAL_HISTOGRAM = 'auren_stream_critical_latency_seconds';

async function probe(ctx: SuiteContext, sys: System): Promise<Probed> {
  const q = ctx.opts.quick;
  const args = [join(ROOT, 'bench/load/latency-probe.ts'), '--url', sys.url, '--seconds', String(ctx.opts.seconds),
    '--critical', q ? '50' : '200', '--operational', q ? '10' : '50', '--analytical', q ? '5' : '20'];
  const child = startChild('latency-probe', bunPath(), args);
  const out = JSON.parse((await child.waitFor(/^\{"probe"/, (ctx.opts.seconds + 30) * 1000)).input);
  await child.exited;
  const h = (k: string) => new Histogram().merge(out[k]);
  return { critical: h('critical'), operational: h('operational'), analytical: h('analytical'), missing: out.missing, failedPosts: out.failedPosts };
}

/**
 * Runs the probe; on Auren also reads its own histogram of receipt → frame written
 * (auren_stream_critical_latency_seconds) for the same phase, which tells server time from the rest.
 */
async function probePhase(ctx: SuiteContext, sys: System): Promise<Probed> {
  const auren = sys.id.startsWith('auren');
  const before = auren ? buckets(await scrape(sys.url), CRITICAL_HISTOGRAM) : undefined;
  const p = await probe(ctx, sys);
  if (before) {
    const s = quantileBetween(before, buckets(await scrape(sys.url), CRITICAL_HISTOGRAM), 0.99);
    p.serverP99 = s === undefined ? undefined : s * 1000;
  }
  return p;
}

async function measure(ctx: SuiteContext, id: SystemId): Promise<{ idle: Probed; load: Probed }> {
  return withSystem(ctx, id, async (sys) => {
    // Warm the server's JIT and caches with a short probe run before measuring idle.
    if (ctx.opts.warmup > 0) await probe({ ...ctx, opts: { ...ctx.opts, seconds: ctx.opts.warmup } }, sys);
    const idle = await probePhase(ctx, sys);
    const bg = await startPaced(sys.url, { rate: ctx.opts.backgroundRate });
    try {
      await sleep(Math.max(1000, ctx.opts.warmup * 1000));
      await bg.mark();
      const load = await probePhase(ctx, sys);
      load.background = await bg.report();
      return { idle, load };
    } finally {
      await bg.stop();
    }
  }, { extra: UNLIMITED_CLIENT });
}

const triple = (h: Histogram) => `p50 ${fmtMs(h.quantile(0.5))} · p99 ${fmtMs(h.quantile(0.99))} · p999 ${fmtMs(h.quantile(0.999))}`;

export async function latencySuite(ctx: SuiteContext): Promise<Row[]> {
  const got = new Map<SystemId, { idle: Probed; load: Probed }>();
  for (const id of ctx.opts.systems) {
    ctx.log(`latency: ${LABEL[id]}`);
    got.set(id, await measure(ctx, id));
  }
  const rows: Row[] = [];
  const rate = fmtNum(ctx.opts.backgroundRate);
  for (const phase of ['idle', 'load'] as const) {
    const measureName = phase === 'idle' ? 'critical POST→frame, idle' : `critical POST→frame at ${rate} ev/s`;
    for (const id of ctx.opts.systems) {
      const p = got.get(id)![phase];
      const h = p.critical;
      const b = baselineFor(id, got, (g) => g[phase].critical.quantile(0.99));
      const bg = p.background;
      const row: Row = {
        row: 2, measure: measureName, system: LABEL[id], value: h.quantile(0.99) ?? null, unit: 'ms', display: triple(h),
        baseline: b && { label: `${b.label} p99`, value: b.value }, ratio: ratio(h.quantile(0.99), b?.value),
        note: `${h.count} probes${p.missing ? `, ${p.missing} never arrived` : ''}${bg ? `; background achieved ${fmtNum(bg.ratePerSec)} ev/s (${bg.behind} slots behind)` : ''}` +
          `${p.serverP99 !== undefined ? `; server's own receipt→frame p99 ≤ ${fmtMs(p.serverP99)}` : ''}`,
        details: { n: h.count, p50: h.quantile(0.5), p99: h.quantile(0.99), p999: h.quantile(0.999), missing: p.missing, background: bg, serverP99: p.serverP99 },
      };
      if (id === 'auren-bun' && phase === 'load') {
        row.target = 'p99 < 10 ms';
        row.met = (h.quantile(0.99) ?? Infinity) < 10;
      }
      rows.push(row);
    }
  }
  const windows = { operational: 100, analytical: 500 } as const;
  for (const tier of ['operational', 'analytical'] as const) {
    for (const phase of ['idle', 'load'] as const) {
      const h = got.get('auren-bun')![phase][tier];
      const p99 = h.quantile(0.99) ?? null;
      rows.push({
        row: 3, measure: `${tier} POST→frame p99, ${phase === 'idle' ? 'idle' : `at ${rate} ev/s`}`, system: LABEL['auren-bun'], value: p99, unit: 'ms',
        display: triple(h), baseline: { label: 'flush window', value: windows[tier] }, ratio: ratio(p99, windows[tier]),
        target: `≈ window (${windows[tier]} ms) or less`, met: p99 === null ? undefined : p99 <= windows[tier] * 1.2,
        note: `${h.count} probes`, details: { n: h.count, p50: h.quantile(0.5), p99, p999: h.quantile(0.999) },
      });
    }
  }
  return rows;
}
