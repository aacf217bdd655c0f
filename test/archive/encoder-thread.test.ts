/**
 * The archive's encoder thread: a 100k-event segment read and encoded on the worker holds the event
 * loop far less than the same segment encoded on it, and writes the same rows. The built products
 * (Bun binary, Node build) really run the thread: /metrics says so and nothing warns that it fell back.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveState } from '../../src/archive/archive-state.js';
import { Archiver } from '../../src/archive/archiver.js';
import { pickCodec } from '../../src/archive/compression.js';
import { FileTarget } from '../../src/archive/file-target.js';
import { InThreadSegmentEncoder } from '../../src/archive/segment-encoder.js';
import { WorkerSegmentEncoder } from '../../src/archive/worker/worker-encoder.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { ROOT, spawnAuren, TARGETS, type Target } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { postEvents } from '../helpers/ws-client.js';
import { archivedRows } from './helpers/duckdb.js';
import { mixedEvents } from './helpers/events.js';
import { agentEvents } from './fixtures/agent-events.js';

/** The Node build's encoder thread (npm run build:node); vitest runs sources, which Node cannot start as a worker. */
const NODE_WORKER = resolve(ROOT, 'dist/node/runtime/node/archive-worker.js');

/** The longest the event loop went without running a 1 ms timer while `job` ran. */
async function longestGap(job: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  try {
    await job();
  } finally {
    clearInterval(timer);
  }
  return Math.max(max, performance.now() - last);
}

describe('archive encoder thread', () => {
  const N = 100_000;
  const dataDir = tempDir('auren-encoder-');
  const dbPath = join(dataDir, 'auren.db');
  const db = openSqlite(dbPath);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  const log = new SqliteEventLog({ db, clock: systemClock, dedupWindowMs: 600_000 });
  afterAll(() => db.close());

  it('keeps the event loop free while a 100k-event segment is encoded, and writes the same rows', async () => {
    if (!existsSync(NODE_WORKER)) throw new Error(`${NODE_WORKER} is missing: run npm run build:node`);
    for (let seq = 1; seq <= N; seq += 10_000) log.appendSync(agentEvents({ count: 10_000, startSeq: seq, seed: seq }).map(({ seq: _s, ...d }) => d));
    const codec = pickCodec({});
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg) => void warnings.push(msg) };

    const archiveOf = async (name: string, encoder?: WorkerSegmentEncoder) => {
      const target = new FileTarget(join(dataDir, name));
      await target.check();
      const a = new Archiver({ log, target, clock: systemClock, logger, codec, flushMs: 10, maxRows: N, maxBytes: 1 << 30, state: new ArchiveState(db, target.uri), encoder });
      return { a, dir: join(dataDir, name) };
    };

    // The thread first: the loop run leaves garbage whose collection would land in the other's window.
    const encoder = new WorkerSegmentEncoder({ entry: pathToFileURL(NODE_WORKER), dbPath, codec, logger, fallback: new InThreadSegmentEncoder(log, codec) });
    const offLoop = await archiveOf('off-loop', encoder);
    const gapOffLoop = await longestGap(async () => expect(await offLoop.a.flushOnce()).toBe(true));
    expect(encoder.offThread()).toBe(true);
    expect(warnings).toEqual([]);
    await encoder.close();

    const onLoop = await archiveOf('on-loop');
    const gapOnLoop = await longestGap(async () => expect(await onLoop.a.flushOnce()).toBe(true));

    expect(onLoop.a.archivedSeq()).toBe(N);
    expect(offLoop.a.archivedSeq()).toBe(N);
    // A generous bound, not a timing: encoded on the loop, one 32k-row group alone holds it for
    // hundreds of ms; on the thread the loop only reads the reply.
    expect(gapOffLoop, `longest event-loop gap: ${gapOffLoop.toFixed(0)} ms on the thread, ${gapOnLoop.toFixed(0)} ms on the loop`).toBeLessThan(gapOnLoop / 3);

    const a = await archivedRows(onLoop.dir);
    const b = await archivedRows(offLoop.dir);
    expect(b.length).toBe(N);
    const key = (r: (typeof a)[number]) => `${r.seq} ${r.id} ${r.tier} ${r.dt} ${r.hour}`;
    expect(b.map(key).sort()).toEqual(a.map(key).sort());
  }, 180_000);

  it('falls back to the event loop, with a warning, when the thread cannot start', async () => {
    const codec = pickCodec({});
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg) => void warnings.push(msg) };
    const encoder = new WorkerSegmentEncoder({
      entry: pathToFileURL(join(dataDir, 'no-such-worker.js')), dbPath, codec, logger, fallback: new InThreadSegmentEncoder(log, codec),
    });
    const s = await encoder.encode(0, { to: 500 }, 'w1');
    expect(s.rows).toBe(500);
    expect(s.objects.length).toBeGreaterThan(0);
    expect(encoder.offThread()).toBe(false);
    expect(warnings.some((w) => /encoder thread unavailable/.test(w))).toBe(true);
    await encoder.close();
  });

  it('encodes at the level a segment asks for (the catch-up level) on the thread, byte for byte as on the loop', async () => {
    const codec = pickCodec({});
    const onLoop = new InThreadSegmentEncoder(log, codec);
    const encoder = new WorkerSegmentEncoder({ entry: pathToFileURL(NODE_WORKER), dbPath, codec, logger: silentLogger, fallback: onLoop });
    const bytes = (s: { objects: { key: string; body: Uint8Array }[] }) => s.objects.map((o) => `${o.key} ${Buffer.from(o.body).toString('base64')}`);
    const fast = await encoder.encode(0, { to: 5000 }, 'w1', undefined, 1);
    const own = await encoder.encode(0, { to: 5000 }, 'w1');
    expect(encoder.offThread()).toBe(true);
    await encoder.close();
    expect(bytes(fast)).toEqual(bytes(await new InThreadSegmentEncoder(log, codec).encode(0, { to: 5000 }, 'w1', undefined, 1)));
    expect(bytes(fast)).not.toEqual(bytes(own));
    expect(fast.rows).toBe(5000);
  });
});

describe.each(TARGETS)('the %s build archives on its encoder thread', (target: Target) => {
  it('reports the thread in /metrics, warns nothing about it, and writes every event', async () => {
    const dataDir = tempDir('auren-encoder-bin-');
    const server = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive-flush', '200ms']);
    expect((await postEvents(server.url, mixedEvents(3000, `enc-${target}`))).json.accepted).toBe(3000);
    const archived = async () => /^auren_archive_events_total (\d+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1];
    for (let i = 0; i < 100 && (await archived()) !== '3000'; i++) await new Promise((r) => setTimeout(r, 100));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^auren_archive_encoder_thread 1$/m);
    // 3,000 events are far from two full segments: nothing was behind.
    expect(metrics).toMatch(/^auren_archive_catch_up_segments_total 0$/m);
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toMatch(/encoder thread/);
    expect((await archivedRows(join(dataDir, 'archive'))).length).toBe(3000);
  });
});
