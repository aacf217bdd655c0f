/**
 * Row 1 — ingest throughput: events/s answered with a durable 202, for NDJSON batches of 100 and
 * 1,000 and for single-event POSTs, closed-loop load from a separate process, with one WebSocket
 * client receiving every event. Each system runs on a fresh data dir.
 */
import { startClients } from '../lib/clients.js';
import { baselineFor, UNLIMITED_CLIENT, withSystem, type SuiteContext } from '../lib/context.js';
import { runLoad, writeBodies } from '../lib/http-load.js';
import { cpuSecondsOf, sleep, threadCores, threadCpuOf } from '../lib/procs.js';
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
  /** Cores by thread name (the server's main thread is "event loop"). */
  threads: [string, number][];
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
      const threads0 = threadCpuOf(sys.pid);
      const r = await runLoad(sys.url, bodies, { ...load, seconds: ctx.opts.seconds });
      const cores = (cpuSecondsOf(sys.pid) - cpu0) / r.seconds;
      const threads = threadCores(threads0, threadCpuOf(sys.pid), r.seconds);
      await sleep(700);
      const got = await clients.report();
      const events = r.accepted * mode.perBody;
      const rate = events / r.seconds;
      return { rate, cores, perCpuSecond: cores > 0 ? rate / cores : 0, wsShare: events ? got.events / events : 0, loader: r.loader, p99us: r.p99us, other: r.other, threads };
    } finally {
      await clients.close();
    }
  }, { extra: UNLIMITED_CLIENT });
}

type Baseline = ReturnType<typeof baselineFor>;

/**
 * Each system's median round, with its baseline from that same round: by the ratio to the baseline
 * where the system has one (rounds are pairs measured minutes apart; the ratio of two medians from
 * different minutes would mix a fast minute of one with a slow minute of the other), else by the
 * figure itself. One real round per row, so value, baseline and ratio agree.
 */
function medianRounds(systems: readonly SystemId[], runs: Map<SystemId, Measured[]>, key: (m: Measured) => number): Map<SystemId, { m: Measured; b: Baseline }> {
  const rounds = runs.get(systems[0])!.length;
  const out = new Map<SystemId, { m: Measured; b: Baseline }>();
  for (const id of systems) {
    const candidates = Array.from({ length: rounds }, (_, r) => {
      const round = new Map(systems.map((s) => [s, runs.get(s)![r]] as const));
      const b = baselineFor(id, round, key);
      const m = runs.get(id)![r];
      return { m, b, sortBy: b ? (ratio(key(m), b.value) ?? 0) : key(m) };
    });
    candidates.sort((x, y) => x.sortBy - y.sortBy);
    const { m, b } = candidates[Math.floor((rounds - 1) / 2)];
    out.set(id, { m, b });
  }
  return out;
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
    const got = medianRounds(ctx.opts.systems, runs, (m) => m.rate);
    const perCpu = medianRounds(ctx.opts.systems, runs, (m) => m.perCpuSecond);
    const roundsNote = (id: SystemId) => {
      if (rounds === 1) return '';
      const pairs = Array.from({ length: rounds }, (_, r) => {
        const round = new Map(ctx.opts.systems.map((s) => [s, runs.get(s)![r]] as const));
        const b = baselineFor(id, round, (m) => m.rate);
        const own = fmtNum(runs.get(id)![r].rate, 'ev/s');
        return b ? `${own} (${ratio(runs.get(id)![r].rate, b.value)?.toFixed(2)}×)` : own;
      });
      return `; the median of ${rounds} rounds, every system in turn: ${pairs.join(', ')}`;
    };
    // Where the server's CPU went: which thread bounds the rate, and what each costs per event.
    const perThread = (m: Measured) => {
      const shown = m.threads.filter(([, c]) => c >= 0.02);
      if (shown.length === 0 || m.rate === 0) return '';
      return `; by thread: ${shown.map(([name, c]) => `${name} ${c.toFixed(2)} (${((c * 1e6) / m.rate).toFixed(1)} µs/event)`).join(', ')}`;
    };
    const note = (m: Measured) =>
      `server used ${m.cores.toFixed(2)} cores${perThread(m)}; WS client got ${(m.wsShare * 100).toFixed(1)}% of accepted events; request p99 ${(m.p99us / 1000).toFixed(1)} ms; ` +
      `${m.loader}${m.other ? `; ${m.other} non-202 answers` : ''}`;
    for (const id of ctx.opts.systems) {
      const { m, b } = got.get(id)!;
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
      const { m, b } = perCpu.get(id)!;
      rows.push({ row: 1, measure: `${mode.name}, events per server CPU-second`, system: LABEL[id], value: m.perCpuSecond, unit: 'ev/CPU-s', baseline: b, ratio: ratio(m.perCpuSecond, b?.value) });
    }
  }
  return rows;
}
