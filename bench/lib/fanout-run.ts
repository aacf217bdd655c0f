/**
 * One fan-out measurement: N stream clients (in client processes) on a system, paced input so that
 * input rate × N equals the offered deliveries/s, critical probes riding along for latency, and the
 * server's RSS sampled throughout. Shared by the fan-out and slow-consumer rows.
 */
import { startClients, type ClientReport } from './clients.js';
import type { SuiteContext } from './context.js';
import { startPaced, type PacedReport } from './paced.js';
import { cpuSecondsOf, sampleRss, sleep } from './procs.js';
import type { System } from './systems.js';

export interface FanoutResult {
  clients: number;
  stalled: number;
  connected: number;
  inputRate: number;
  deliveries: number;
  frames: number;
  /** Events received ÷ (events accepted × fast clients). */
  coverage: number;
  p99: number | undefined;
  rssMax: number;
  rssEnd: number;
  /** Server CPU (user + system) over the measured phase, in cores. */
  serverCores: number;
  /** Deliveries per server CPU-second: robust where the wall-clock rate depends on a shared machine. */
  deliveriesPerCpuSecond: number;
  report: ClientReport;
  load: PacedReport;
}

export interface FanoutOptions {
  clients: number;
  stalled?: number;
  sse?: boolean;
  offered: number;
  seconds?: number;
}

export async function fanout(ctx: SuiteContext, sys: System, o: FanoutOptions): Promise<FanoutResult> {
  const fleet = await startClients(sys.url, { count: o.clients, stalled: o.stalled, sse: o.sse });
  const rate = Math.max(20, Math.round(o.offered / o.clients));
  const load = await startPaced(sys.url, { rate, probes: ctx.opts.quick ? 10 : 20 });
  const rss = sampleRss(sys.pid);
  try {
    await sleep(Math.max(1000, ctx.opts.warmup * 1000));
    await Promise.all([fleet.mark(), load.mark()]);
    const cpu0 = cpuSecondsOf(sys.pid);
    await sleep((o.seconds ?? ctx.opts.seconds) * 1000);
    const [report, sent] = await Promise.all([fleet.report(), load.report()]);
    const cpu = cpuSecondsOf(sys.pid) - cpu0;
    const mem = rss.stop();
    const fast = o.clients - (o.stalled ?? 0);
    return {
      clients: o.clients, stalled: o.stalled ?? 0, connected: fleet.open, inputRate: sent.ratePerSec,
      deliveries: report.events / report.seconds, frames: report.frames / report.seconds,
      coverage: sent.accepted ? report.events / (sent.accepted * fast) : 0, p99: report.latency.quantile(0.99),
      rssMax: mem.max, rssEnd: mem.last, report, load: sent,
      serverCores: cpu / report.seconds, deliveriesPerCpuSecond: cpu > 0 ? report.events / cpu : 0,
    };
  } finally {
    rss.stop();
    await load.stop();
    await fleet.close();
  }
}
