/**
 * Row 9 — sustained ingest: paced load at fixed rates (NDJSON batches of 100) for a minute with the
 * archive on (files closed every 2 s) and one WebSocket client, reading every 10 s whether the archive and the dashboard state
 * keep up (their backlogs stay bounded) or fall behind (they grow). The 10 s ingest rows measure
 * bursts, during which the state thread (at a lower CPU priority) lags and catches up afterwards.
 */
import { join } from 'node:path';
import { startClients } from '../lib/clients.js';
import { UNLIMITED_CLIENT, withSystem, type SuiteContext } from '../lib/context.js';
import { startPaced } from '../lib/paced.js';
import { cpuSecondsOf, sleep } from '../lib/procs.js';
import { fmtNum, ratio, type Row } from '../lib/report.js';
import { LABEL, metric } from '../lib/systems.js';

interface Sample {
  /** Seconds since the measured phase started. */
  t: number;
  archiveBacklog: number;
  stateLag: number;
}

interface Sustained {
  offered: number;
  accepted: number;
  cores: number;
  samples: Sample[];
  /** Growth in events per second (least squares over the samples after the first fifth). */
  archiveGrowth: number;
  stateGrowth: number;
}

/** Seconds an archive file stays open in this row (`--archive-flush`). */
const FLUSH_S = 2;

/**
 * Growth (events/s) above which a backlog is falling behind rather than showing its sawtooth: the
 * archive backlog rises by up to rate × FLUSH_S and drops when a file is written, so samples at
 * random points of that cycle give a slope of up to that much over the run; and at least 5% of the
 * rate, so noise in a long run is not read as falling behind.
 */
function behindAbove(rate: number, seconds: number): number {
  return Math.max(0.05 * rate, (rate * FLUSH_S) / seconds);
}

/** Least-squares slope of y over t. */
function slope(points: readonly { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function sustain(ctx: SuiteContext, rate: number): Promise<Sustained> {
  const seconds = ctx.opts.sustainSeconds;
  const everyMs = ctx.opts.quick ? 1000 : 10_000;
  // Files close every 2 s (or at 100,000 rows), so a backlog that keeps growing means the encoder
  // is behind, not that the default 60 s window is still open (the archive row does the same).
  const archive = ['--archive', `file://${join(ctx.env.runDir, `sustain-archive-${rate}`)}`, '--archive-flush', `${FLUSH_S}s`];
  return withSystem(ctx, 'auren-bun', async (sys) => {
    const clients = await startClients(sys.url, { count: 1 });
    const load = await startPaced(sys.url, { rate });
    try {
      await load.mark();
      const cpu0 = cpuSecondsOf(sys.pid);
      const t0 = performance.now();
      const samples: Sample[] = [];
      while (performance.now() - t0 < seconds * 1000) {
        await sleep(Math.min(everyMs, seconds * 1000 - (performance.now() - t0)));
        samples.push({
          t: (performance.now() - t0) / 1000,
          archiveBacklog: (await metric(sys.url, 'auren_archive_backlog_events')) ?? 0,
          stateLag: (await metric(sys.url, 'auren_dashboard_state_lag_events')) ?? 0,
        });
      }
      const cores = (cpuSecondsOf(sys.pid) - cpu0) / ((performance.now() - t0) / 1000);
      const report = await load.report();
      const settled = samples.filter((s) => s.t >= seconds / 5);
      return {
        offered: rate, accepted: report.ratePerSec, cores, samples,
        archiveGrowth: slope(settled.map((s) => ({ t: s.t, y: s.archiveBacklog }))),
        stateGrowth: slope(settled.map((s) => ({ t: s.t, y: s.stateLag }))),
      };
    } finally {
      await load.stop();
      await clients.close();
    }
  }, { extra: [...archive, ...UNLIMITED_CLIENT] });
}

function verdict(growth: number, rate: number, seconds: number): string {
  return growth > behindAbove(rate, seconds) ? `falls behind (+${fmtNum(growth)}/s)` : 'keeps up';
}

export async function sustainSuite(ctx: SuiteContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const rate of ctx.opts.sustainRates) {
    ctx.log(`sustained ingest at ${fmtNum(rate)} ev/s for ${ctx.opts.sustainSeconds} s: ${LABEL['auren-bun']}`);
    const s = await sustain(ctx, rate);
    const secs = ctx.opts.sustainSeconds;
    const range = (pick: (x: Sample) => number) => `${fmtNum(Math.min(...s.samples.map(pick)))}–${fmtNum(Math.max(...s.samples.map(pick)))}`;
    rows.push({
      row: 9, measure: `ingest paced at ${fmtNum(rate)} ev/s for ${ctx.opts.sustainSeconds} s, archive on`, system: LABEL['auren-bun'],
      value: s.accepted, unit: 'ev/s',
      display: `${fmtNum(s.accepted)} ev/s; archive ${verdict(s.archiveGrowth, rate, secs)}; dashboards ${verdict(s.stateGrowth, rate, secs)}`,
      baseline: { label: 'offered', value: rate }, ratio: ratio(s.accepted, rate),
      note: `server used ${s.cores.toFixed(2)} cores; archive backlog ${range((x) => x.archiveBacklog)} events, dashboard state lag ${range((x) => x.stateLag)} events ` +
        `(every ${ctx.opts.quick ? 1 : 10} s); growth ${fmtNum(s.archiveGrowth)} and ${fmtNum(s.stateGrowth)} events/s`,
      details: { ...s },
    });
  }
  return rows;
}
