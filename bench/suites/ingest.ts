/**
 * Row 1 — ingest throughput: events/s answered with a durable 202, for NDJSON batches of 100 and
 * 1,000 and for single-event POSTs, closed-loop load from a separate process, with one WebSocket
 * client receiving every event. Each system runs on a fresh data dir.
 */
import { startClients } from '../lib/clients.js';
import { baselineFor, UNLIMITED_CLIENT, withSystem, type SuiteContext } from '../lib/context.js';
import { runLoad, writeBodies } from '../lib/http-load.js';
import { cpuSecondsOf, sleep } from '../lib/procs.js';
import { fmtNum, ratio, type Row } from '../lib/report.js';
import { LABEL, type SystemId } from '../lib/systems.js';
import { join } from 'node:path';

const MODES = [
  { name: 'ingest NDJSON ×100', perBody: 100, connections: 8 },
  { name: 'ingest NDJSON ×1,000', perBody: 1000, connections: 4 },
  { name: 'ingest single-event POST', perBody: 1, connections: 32 },
];

interface Measured {
  rate: number;
  /** Cores the server used during the measured phase, and events per server CPU-second. */
  cores: number;
  perCpuSecond: number;
  wsShare: number;
  loader: string;
  p99us: number;
  other: number;
}

async function measure(ctx: SuiteContext, id: SystemId, mode: (typeof MODES)[number]): Promise<Measured> {
  const bodies = writeBodies(join(ctx.env.runDir, `bodies-${mode.perBody}`), mode.perBody);
  return withSystem(ctx, id, async (sys) => {
    const clients = await startClients(sys.url, { count: 1 });
    try {
      const load = { connections: mode.connections, loader: ctx.opts.loader };
      if (ctx.opts.warmup > 0) await runLoad(sys.url, bodies, { ...load, seconds: ctx.opts.warmup });
      await sleep(700); // the warm-up's last batches leave the tier batchers
      await clients.mark();
      const cpu0 = cpuSecondsOf(sys.pid);
      const r = await runLoad(sys.url, bodies, { ...load, seconds: ctx.opts.seconds });
      const cores = (cpuSecondsOf(sys.pid) - cpu0) / r.seconds;
      await sleep(700);
      const got = await clients.report();
      const events = r.accepted * mode.perBody;
      const rate = events / r.seconds;
      return { rate, cores, perCpuSecond: cores > 0 ? rate / cores : 0, wsShare: events ? got.events / events : 0, loader: r.loader, p99us: r.p99us, other: r.other };
    } finally {
      await clients.close();
    }
  }, { extra: UNLIMITED_CLIENT });
}

/** The round whose `key` is the median (the lower middle for an even count): one real run, all its figures together. */
function medianRun(runs: readonly Measured[], key: (m: Measured) => number): Measured {
  const sorted = [...runs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export async function ingestSuite(ctx: SuiteContext): Promise<Row[]> {
  const rows: Row[] = [];
  const modes = ctx.opts.quick ? MODES.slice(0, 1) : MODES;
  const rounds = Math.max(1, ctx.opts.rounds);
  for (const mode of modes) {
    const runs = new Map<SystemId, Measured[]>(ctx.opts.systems.map((id) => [id, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const id of ctx.opts.systems) {
        ctx.log(`${mode.name}: ${LABEL[id]}${rounds > 1 ? ` (round ${round} of ${rounds})` : ''}`);
        runs.get(id)!.push(await measure(ctx, id, mode));
      }
    }
    const got = new Map([...runs].map(([id, ms]) => [id, medianRun(ms, (m) => m.rate)] as const));
    const perCpu = new Map([...runs].map(([id, ms]) => [id, medianRun(ms, (m) => m.perCpuSecond)] as const));
    const roundsNote = (id: SystemId) => (rounds > 1 ? `; median of ${rounds} rounds taken in turn with the other systems: ${runs.get(id)!.map((m) => fmtNum(m.rate, 'ev/s')).join(', ')}` : '');
    const note = (m: Measured) =>
      `server used ${m.cores.toFixed(2)} cores; WS client got ${(m.wsShare * 100).toFixed(1)}% of accepted events; request p99 ${(m.p99us / 1000).toFixed(1)} ms; ` +
      `${m.loader}${m.other ? `; ${m.other} non-202 answers` : ''}`;
    for (const id of ctx.opts.systems) {
      const m = got.get(id)!;
      const b = baselineFor(id, got, (g) => g.rate);
      const row: Row = {
        row: 1, measure: mode.name, system: LABEL[id], value: m.rate, unit: 'ev/s', baseline: b, ratio: ratio(m.rate, b?.value),
        note: note(m) + roundsNote(id), details: { ...m, rounds: runs.get(id) },
      };
      if (id === 'auren-bun' && mode.perBody === 100) {
        row.target = '≥150k and ≥0.60× ceiling';
        row.met = m.rate >= 150_000 && (row.ratio ?? 0) >= 0.6;
      }
      rows.push(row);
    }
    // Per server CPU-second: the least noisy view on a shared machine (it ignores time lost to other work).
    for (const id of ctx.opts.systems) {
      const m = perCpu.get(id)!;
      const b = baselineFor(id, perCpu, (g) => g.perCpuSecond);
      rows.push({ row: 1, measure: `${mode.name}, events per server CPU-second`, system: LABEL[id], value: m.perCpuSecond, unit: 'ev/CPU-s', baseline: b, ratio: ratio(m.perCpuSecond, b?.value) });
    }
  }
  return rows;
}
