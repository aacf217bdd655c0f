/**
 * The archiver against s3rver through the real AWS SDK, in a real server: everything lands once;
 * while the bucket is down events keep flowing live, queue in the store, /readyz and metrics say so,
 * and nothing is lost when it comes back. Bad bucket config stops the server with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveModule, type ArchiveModule } from '../../src/archive/archive-module.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectStream, postEvents } from '../helpers/ws-client.js';
import { archivedRows } from './helpers/duckdb.js';
import { mixedEvents, partitionOfTs } from './helpers/events.js';
import { S3_ENV, S3rverProcess } from './helpers/s3rver.js';
import { until } from './helpers/wait.js';

Object.assign(process.env, S3_ENV);
let s3: S3rverProcess;

beforeAll(async () => {
  s3 = await S3rverProcess.start();
  await s3.createBucket('events');
});
afterAll(async () => s3.down());

async function s3Server(prefix: string, tuning = {}): Promise<{ s: TestServer; m: ArchiveModule }> {
  const s = await startTestServer({
    config: { archive: `s3://events/${prefix}`, s3Endpoint: s3.endpoint, archiveFlushMs: 200 },
    modules: [createArchiveModule({ retryMaxMs: 400, ...tuning })],
  });
  return { s, m: s.modules[0] as ArchiveModule };
}

describe('archiver with an s3:// target (s3rver)', () => {
  it('archives every accepted event once, in the partition of its ts, readable by DuckDB', async () => {
    const { s, m } = await s3Server('run1');
    const events = mixedEvents(900, 's3');
    const r = await postEvents(s.url, events);
    expect(r.json.accepted).toBe(900);
    await until(() => m.archiver!.backlog() === 0 && m.archiver!.archivedSeq() === 900, 20_000, 'archive caught up');
    await s.stop();
    const { dir, keys } = await s3.download('events', 'run1/');
    expect(keys.every((k) => /^run1\/tier=(critical|operational|analytical)\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\d{16}-\d{16}-[0-9a-f]{8}\.parquet$/.test(k))).toBe(true);
    const rows = await archivedRows(`${dir}/run1`);
    expect(rows.length).toBe(900);
    expect(new Set(rows.map((x) => x.id)).size).toBe(900);
    const ts = new Map(events.map((e) => [e.id, e.ts]));
    for (const row of rows) expect({ dt: row.dt, hour: Number(row.hour) }).toEqual({ ...partitionOfTs(ts.get(row.id)!), hour: Number(partitionOfTs(ts.get(row.id)!).hour) });
    expect(s.errors).toEqual([]);
  });

  it('keeps serving while the bucket is down, says so, and loses nothing when it is back', async () => {
    const { s, m } = await s3Server('outage');
    const live = await connectStream(s.url, 'tiers=operational,critical,analytical');
    expect((await postEvents(s.url, mixedEvents(200, 'before'))).json.accepted).toBe(200);
    await until(() => m.archiver!.archivedSeq() === 200, 20_000, 'first batch archived');

    await s3.down();
    expect((await postEvents(s.url, mixedEvents(300, 'during'))).json.accepted).toBe(300);
    await live.until(() => live.events().length === 500, 10_000);
    await until(async () => (await fetch(s.url + '/readyz')).status === 503, 20_000, 'readyz reports the outage');
    const ready = (await (await fetch(s.url + '/readyz')).json()) as { problems: string[] };
    expect(ready.problems.join()).toMatch(/archive: target s3:\/\/events\/outage unreachable since .*; 300 events queued in the store/);
    const metrics = await (await fetch(s.url + '/metrics')).text();
    expect(metrics).toMatch(/auren_archive_target_up 0/);
    expect(metrics).toMatch(/auren_archive_backlog_events 300/);
    expect(metrics).toMatch(/auren_archive_uploads_total\{result="failed"\} [1-9]/);
    expect(m.retentionFloor!()).toBe(200); // the hot store keeps what is not archived

    await s3.up();
    expect((await postEvents(s.url, mixedEvents(100, 'after'))).json.accepted).toBe(100);
    await until(() => m.archiver!.archivedSeq() === 600, 30_000, 'backlog uploaded after the outage');
    expect((await fetch(s.url + '/readyz')).status).toBe(200);
    expect(await (await fetch(s.url + '/metrics')).text()).toMatch(/auren_archive_target_up 1/);
    live.close();
    await s.stop();
    const { dir } = await s3.download('events', 'outage/');
    const rows = await archivedRows(`${dir}/outage`);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(s.errors).toEqual([]);
  });

  it('fails fast on a missing bucket or refused credentials, naming the problem', async () => {
    await expect(
      startTestServer({ config: { archive: 's3://not-there/x', s3Endpoint: s3.endpoint }, modules: [createArchiveModule()] }),
    ).rejects.toThrow(/--archive \/ AUREN_ARCHIVE \(s3:\/\/not-there\/x\): bucket "not-there" does not exist at http:\/\/127\.0\.0\.1:\d+/);
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_ACCESS_KEY_ID = 'NOT-A-KEY';
    try {
      await expect(
        startTestServer({ config: { archive: 's3://events/x', s3Endpoint: s3.endpoint }, modules: [createArchiveModule()] }),
      ).rejects.toThrow(/S3 credentials were refused .*InvalidAccessKeyId/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = S3_ENV.AWS_ACCESS_KEY_ID;
      process.env.AWS_SECRET_ACCESS_KEY = saved;
    }
  });

  it('starts when the bucket is unreachable (not refused), queueing until it answers', async () => {
    await s3.down();
    try {
      const { s, m } = await s3Server('late-start');
      expect((await postEvents(s.url, mixedEvents(50, 'late'))).json.accepted).toBe(50);
      expect((await fetch(s.url + '/readyz')).status).toBe(503);
      await s3.up();
      await until(() => m.archiver!.archivedSeq() === 50, 30_000, 'archived once reachable');
      await s.stop();
    } finally {
      if (!s3.proc) await s3.up();
    }
  });
});
