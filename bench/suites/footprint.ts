/**
 * Row 8 — footprint: size of the binary, cold start (spawn → the listening line and /healthz 200,
 * and spawn → first 202, on a fresh data dir) and idle RSS (2 s after the first event), for Auren
 * and the baselines started the same way.
 */
import { statSync } from 'node:fs';
import { baselineFor, type SuiteContext } from '../lib/context.js';
import { sleep } from '../lib/procs.js';
import { fmtBytes, fmtMs, ratio, type Row } from '../lib/report.js';
import { bunPath, LABEL, snapshot, startSystem, type SystemId } from '../lib/systems.js';

const EVENT = JSON.stringify({ type: 'agent.step', agent_id: 'cold-start', data: { text: 'first event' } });

interface Footprint {
  coldMs: number[];
  healthzMs: number[];
  idleRss: number;
}

/** Spawn → the listening line → first 200 from /healthz: the start-up the < 100 ms target is about. */
async function healthzStart(ctx: SuiteContext, id: SystemId): Promise<number> {
  const t0 = performance.now();
  const sys = await startSystem(id, ctx.env);
  try {
    for (let i = 0; ; i++) {
      const res = await fetch(sys.url + '/healthz').catch(() => undefined);
      if (res?.status === 200) break;
      if (i > 1000) throw new Error(`${id} answered no /healthz within 2 s of listening`);
      await sleep(2);
    }
    return performance.now() - t0;
  } finally {
    await sys.stop();
  }
}

async function coldStart(ctx: SuiteContext, id: SystemId): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const sys = await startSystem(id, ctx.env);
  try {
    for (let i = 0; ; i++) {
      const res = await fetch(sys.url + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: EVENT }).catch(() => undefined);
      if (res?.status === 202) break;
      if (i > 500) throw new Error(`${id} accepted no event within 5 s of starting`);
      await sleep(10);
    }
    const ms = performance.now() - t0;
    await sleep(2000);
    return { ms, rss: sys.rss().rss };
  } finally {
    await sys.stop();
  }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs: number[]) => quantile(xs, 0.5);

export async function footprintSuite(ctx: SuiteContext): Promise<Row[]> {
  const runs = ctx.opts.quick ? 1 : 5;
  const healthzRuns = ctx.opts.quick ? 3 : 20;
  const got = new Map<SystemId, Footprint>();
  for (const id of ctx.opts.systems) {
    ctx.log(`footprint: ${LABEL[id]}`);
    const f: Footprint = { coldMs: [], healthzMs: [], idleRss: 0 };
    for (let i = 0; i < runs; i++) {
      const r = await coldStart(ctx, id);
      f.coldMs.push(r.ms);
      f.idleRss = Math.max(f.idleRss, r.rss);
    }
    got.set(id, f);
  }
  // Round-robin over the systems, so a noisy stretch of a shared machine hits all of them alike.
  ctx.log(`footprint: start to /healthz, ${healthzRuns} rounds`);
  for (let i = 0; i < healthzRuns; i++) {
    for (const id of ctx.opts.systems) got.get(id)!.healthzMs.push(await healthzStart(ctx, id));
  }
  const binary = statSync(snapshot(ctx.env).bin).size;
  const runtime = statSync(bunPath()).size;
  const nodeBundle = statSync(snapshot(ctx.env).nodeJs).size;
  const rows: Row[] = [{
    row: 8, measure: 'binary size (dist/auren)', system: LABEL['auren-bun'], value: binary, unit: 'bytes',
    baseline: { label: 'the Bun runtime alone', value: runtime }, ratio: ratio(binary, runtime),
    note: `Node build: ${fmtBytes(nodeBundle)} of JavaScript plus node_modules`,
  }];
  for (const id of ctx.opts.systems) {
    const f = got.get(id)!;
    const start = median(f.healthzMs);
    const b = baselineFor(id, got, (g) => median(g.healthzMs));
    const row: Row = {
      row: 8, measure: 'cold start → listening, /healthz 200', system: LABEL[id], value: start, unit: 'ms', baseline: b, ratio: ratio(start, b?.value),
      note: `median of ${f.healthzMs.length} (rounds interleaved across systems); p90 ${fmtMs(quantile(f.healthzMs, 0.9))}`,
      details: { healthzMs: f.healthzMs, p90: quantile(f.healthzMs, 0.9) },
    };
    if (id === 'auren-bun') {
      row.target = '< 100 ms';
      row.met = start < 100;
    }
    rows.push(row);
  }
  for (const id of ctx.opts.systems) {
    const f = got.get(id)!;
    const cold = median(f.coldMs);
    const b = baselineFor(id, got, (g) => median(g.coldMs));
    const row: Row = {
      row: 8, measure: 'cold start → first 202', system: LABEL[id], value: cold, unit: 'ms', baseline: b, ratio: ratio(cold, b?.value),
      note: `median of ${runs}: ${f.coldMs.map((x) => fmtMs(x)).join(', ')}`, details: { coldMs: f.coldMs },
    };
    if (id === 'auren-bun') {
      row.target = '< 100 ms';
      row.met = cold < 100;
    }
    rows.push(row);
  }
  for (const id of ctx.opts.systems) {
    const rss = got.get(id)!.idleRss;
    const b = baselineFor(id, got, (g) => g.idleRss);
    rows.push({ row: 8, measure: 'idle RSS after the first event', system: LABEL[id], value: rss, unit: 'bytes', baseline: b, ratio: ratio(rss, b?.value) });
  }
  return rows;
}
