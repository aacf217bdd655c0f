/**
 * Row 7 — archive: Parquet bytes (the archive's own encoder and codec) against raw NDJSON and gzip
 * NDJSON of the same stored events; the encoder's rate against gzip's; and the archive's write rate
 * inside a running server under full ingest load, against the same server with the archive off.
 */
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { archiveSizeReport } from '../../src/archive/size-report.js';
import { eventToJson } from '../../src/core/event.js';
import { bunRuntime } from '../../src/runtime/bun/server.js';
import { startClients } from '../lib/clients.js';
import { UNLIMITED_CLIENT, withSystem, type SuiteContext } from '../lib/context.js';
import { runLoad, writeBodies } from '../lib/http-load.js';
import { sleep } from '../lib/procs.js';
import { fmtBytes, fmtCount, fmtNum, ratio, type Row } from '../lib/report.js';
import { storedEvents } from '../lib/stored-events.js';
import { LABEL, metric } from '../lib/systems.js';

async function sizes(ctx: SuiteContext): Promise<Row[]> {
  const n = ctx.opts.quick ? 20_000 : 200_000;
  const events = await storedEvents(n);
  const r = await archiveSizeReport(events, bunRuntime);
  const ndjson = Buffer.from(events.map((e) => eventToJson(e)).join('\n') + '\n');
  const t0 = performance.now();
  gzipSync(ndjson);
  const gzipMs = performance.now() - t0;
  const what = `${fmtCount(n)} stored events, ${fmtBytes(r.ndjsonBytes)} as NDJSON`;
  const encodeRate = n / (r.encodeMs / 1000);
  const gzipRate = n / (gzipMs / 1000);
  return [
    {
      row: 7, measure: `Parquet (${r.codec}) vs NDJSON, ${what}`, system: LABEL['auren-bun'], value: r.parquetBytes, unit: 'bytes',
      baseline: { label: 'raw NDJSON', value: r.ndjsonBytes }, ratio: r.parquetRatio, target: '≤ 0.15× NDJSON', met: r.parquetRatio <= 0.15,
      details: { ...r },
    },
    {
      row: 7, measure: `Parquet (${r.codec}) vs gzip NDJSON, same events`, system: LABEL['auren-bun'], value: r.parquetBytes, unit: 'bytes',
      baseline: { label: 'gzip NDJSON (level 6)', value: r.gzipNdjsonBytes }, ratio: ratio(r.parquetBytes, r.gzipNdjsonBytes),
      target: '< 1× gzip NDJSON', met: r.parquetBytes < r.gzipNdjsonBytes,
    },
    {
      row: 7, measure: 'archive encoder rate (one core)', system: LABEL['auren-bun'], value: encodeRate, unit: 'ev/s',
      baseline: { label: 'gzip of the NDJSON', value: gzipRate }, ratio: ratio(encodeRate, gzipRate),
      note: `${fmtNum(r.ndjsonBytes / (r.encodeMs / 1000) / 1e6)} MB/s of NDJSON-equivalent`,
    },
  ];
}

interface Live {
  ingest: number;
  /** Events archived per second from the start of the load until the archive had caught up. */
  archived: number | undefined;
  /** Seconds the archive needed after the load ended to catch up. */
  drainSeconds: number | undefined;
}

async function live(ctx: SuiteContext, archive: boolean): Promise<Live> {
  const bodies = writeBodies(join(ctx.env.runDir, 'bodies-100'), 100);
  const extra = archive ? ['--archive', `file://${join(ctx.env.runDir, 'archive-' + Date.now())}`, '--archive-flush', '2s', ...UNLIMITED_CLIENT] : UNLIMITED_CLIENT;
  return withSystem(ctx, 'auren-bun', async (sys) => {
    const clients = await startClients(sys.url, { count: 1 });
    try {
      const load = { connections: 8, loader: ctx.opts.loader };
      if (ctx.opts.warmup > 0) await runLoad(sys.url, bodies, { ...load, seconds: ctx.opts.warmup });
      const before = await metric(sys.url, 'auren_archive_events_total');
      const t0 = performance.now();
      const r = await runLoad(sys.url, bodies, { ...load, seconds: ctx.opts.seconds });
      if (before === undefined) return { ingest: (r.accepted * 100) / r.seconds, archived: undefined, drainSeconds: undefined };
      // The archive flushes every 2 s or per 100k rows; wait until it has caught up with the load.
      const loadEnd = performance.now();
      while ((await metric(sys.url, 'auren_archive_backlog_events')) !== 0 && performance.now() - loadEnd < 120_000) await sleep(250);
      const after = (await metric(sys.url, 'auren_archive_events_total')) ?? before;
      const done = performance.now();
      return { ingest: (r.accepted * 100) / r.seconds, archived: (after - before) / ((done - t0) / 1000), drainSeconds: (done - loadEnd) / 1000 };
    } finally {
      await clients.close();
    }
  }, { extra });
}

export async function archiveSuite(ctx: SuiteContext): Promise<Row[]> {
  ctx.log('archive: sizes of the same events as Parquet, NDJSON and gzip NDJSON');
  const rows = await sizes(ctx);
  ctx.log('archive: ingest with the archive on, then off');
  const on = await live(ctx, true);
  const off = await live(ctx, false);
  const measure = 'ingest NDJSON ×100 with --archive file:// on';
  if (on.archived === undefined) {
    rows.push({ row: 7, measure, system: LABEL['auren-bun'], value: null, unit: 'ev/s', status: 'pending', note: 'archive module not in this build' });
    return rows;
  }
  rows.push({
    row: 7, measure, system: LABEL['auren-bun'], value: on.ingest, unit: 'ev/s', baseline: { label: 'same with --archive none', value: off.ingest }, ratio: ratio(on.ingest, off.ingest),
    note: `archive wrote ${fmtNum(on.archived)} ev/s from the start of the load until it had caught up, ${on.drainSeconds!.toFixed(1)} s after the load ended`,
    details: { ...on, ingestOff: off.ingest },
  });
  return rows;
}
