/**
 * Row 8 — footprint: size of the binary, cold start on a fresh data dir (spawn → the listening line
 * and /healthz 200, then → the first 202) and idle RSS (2 s after the first event), for Auren and the
 * baselines started the same way.
 */
import { statSync } from 'node:fs';
import { baselineFor, type SuiteContext } from '../lib/context.js';
import { sleep } from '../lib/procs.js';
import { fmtBytes, fmtMs, ratio, type Row } from '../lib/report.js';
import { bunPath, LABEL, snapshot, startSystem, type System, type SystemId } from '../lib/systems.js';

const EVENT = JSON.stringify({ type: 'agent.step', agent_id: 'cold-start', data: { text: 'first event' } });

interface Footprint {
  /** Spawn → /healthz 200, one per round. */
  healthzMs: number[];
  /** Spawn → first 202, one per round (posted once /healthz answered). */
  first202Ms: number[];
  idleRss: number;
}

async function postFirstEvent(sys: System): Promise<void> {
  for (let i = 0; ; i++) {
    const res = await fetch(sys.url + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: EVENT }).catch(() => undefined);
    if (res?.status === 202) return;
    if (i > 500) throw new Error(`${sys.id} accepted no event within 5 s of starting`);
    await sleep(10);
  }
}

/** One cold start: spawn → the listening line → /healthz 200 (the < 100 ms target) → first 202. */
async function coldStart(ctx: SuiteContext, id: SystemId): Promise<{ healthzMs: number; first202Ms: number }> {
  const t0 = performance.now();
  const sys = await startSystem(id, ctx.env);
  try {
    for (let i = 0; ; i++) {
      const res = await fetch(sys.url + '/healthz').catch(() => undefined);
      if (res?.status === 200) break;
      if (i > 1000) throw new Error(`${id} answered no /healthz within 2 s of listening`);
      await sleep(2);
    }
    const healthzMs = performance.now() - t0;
    await postFirstEvent(sys);
    return { healthzMs, first202Ms: performance.now() - t0 };
  } finally {
    await sys.stop();
  }
}

async function idleRss(ctx: SuiteContext, id: SystemId): Promise<number> {
  const sys = await startSystem(id, ctx.env);
  try {
    await postFirstEvent(sys);
    await sleep(2000);
    return sys.rss().rss;
  } finally {
    await sys.stop();
  }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs: number[]) => quantile(xs, 0.5);

export async function footprintSuite(ctx: SuiteContext): Promise<Row[]> {
  const rounds = ctx.opts.quick ? 3 : 20;
  const rssRuns = ctx.opts.quick ? 1 : 3;
  const got = new Map<SystemId, Footprint>(ctx.opts.systems.map((id) => [id, { healthzMs: [], first202Ms: [], idleRss: 0 }]));
  // Copy the build first, so the first round's clock does not include the copy.
  snapshot(ctx.env);
  // Round-robin over the systems, so a noisy stretch of a shared machine hits all of them alike.
  ctx.log(`footprint: cold start, ${rounds} rounds over ${ctx.opts.systems.length} systems`);
  for (let i = 0; i < rounds; i++) {
    for (const id of ctx.opts.systems) {
      const r = await coldStart(ctx, id);
      got.get(id)!.healthzMs.push(r.healthzMs);
      got.get(id)!.first202Ms.push(r.first202Ms);
    }
  }
  for (const id of ctx.opts.systems) {
    ctx.log(`footprint: idle RSS, ${LABEL[id]}`);
    const f = got.get(id)!;
    for (let i = 0; i < rssRuns; i++) f.idleRss = Math.max(f.idleRss, await idleRss(ctx, id));
  }

  const binary = statSync(snapshot(ctx.env).bin).size;
  const runtime = statSync(bunPath()).size;
  const nodeBundle = statSync(snapshot(ctx.env).nodeJs).size;
  const rows: Row[] = [{
    row: 8, measure: 'binary size (dist/auren)', system: LABEL['auren-bun'], value: binary, unit: 'bytes',
    baseline: { label: 'the Bun runtime alone', value: runtime }, ratio: ratio(binary, runtime),
    note: `Node build: ${fmtBytes(nodeBundle)} of JavaScript plus node_modules`,
  }];
  const startRows = (measure: string, pick: (f: Footprint) => number[]) => {
    for (const id of ctx.opts.systems) {
      const xs = pick(got.get(id)!);
      const value = median(xs);
      const b = baselineFor(id, got, (g) => median(pick(g)));
      const row: Row = {
        row: 8, measure, system: LABEL[id], value, unit: 'ms', baseline: b, ratio: ratio(value, b?.value),
        note: `median of ${xs.length} (rounds interleaved across systems), p90 ${fmtMs(quantile(xs, 0.9))}`,
        details: { ms: xs, p90: quantile(xs, 0.9) },
      };
      if (id === 'auren-bun') {
        row.target = '< 100 ms';
        row.met = value < 100;
      }
      rows.push(row);
    }
  };
  startRows('cold start → listening, /healthz 200', (f) => f.healthzMs);
  startRows('cold start → first 202', (f) => f.first202Ms);
  for (const id of ctx.opts.systems) {
    const rss = got.get(id)!.idleRss;
    const b = baselineFor(id, got, (g) => g.idleRss);
    rows.push({ row: 8, measure: 'idle RSS after the first event', system: LABEL[id], value: rss, unit: 'bytes', baseline: b, ratio: ratio(rss, b?.value) });
  }
  return rows;
}
