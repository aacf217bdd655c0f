/**
 * Catching up: while two full segments or more wait, the archiver encodes at the faster catch-up
 * level, and at the codec's own level again once it has caught up; a fixed level (no catch-up level)
 * is used for every segment. Real SQLite event log, real folder target, read back with DuckDB.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveState } from '../../src/archive/archive-state.js';
import { Archiver } from '../../src/archive/archiver.js';
import { pickCodec } from '../../src/archive/compression.js';
import { FileTarget } from '../../src/archive/file-target.js';
import { InThreadSegmentEncoder, type SegmentEncoder } from '../../src/archive/segment-encoder.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';
import { archivedRows } from './helpers/duckdb.js';
import { agentEvents } from './fixtures/agent-events.js';

const EVENTS = 2000;
const MAX_ROWS = 200;

function storeWith(count: number) {
  const dataDir = tempDir('auren-catch-up-');
  const db = openSqlite(join(dataDir, 'auren.db'));
  const log = new SqliteEventLog({ db, clock: systemClock, dedupWindowMs: 600_000 });
  log.appendSync(agentEvents({ count, startSeq: 1, seed: 7 }).map(({ seq: _seq, ...d }) => d));
  return { dataDir, db, log };
}

/** The real encoder, noting the level each segment was asked for and the backlog it was taken at. */
function noting(inner: SegmentEncoder, backlog: () => number) {
  const asked: { backlog: number; level: number | undefined }[] = [];
  const encoder: SegmentEncoder = {
    encode(from, limit, writer, skip, level) {
      asked.push({ backlog: backlog(), level });
      return inner.encode(from, limit, writer, skip, level);
    },
    offThread: () => inner.offThread(),
    close: () => inner.close(),
  };
  return { encoder, asked };
}

async function archiveAll(catchUpLevel: number | undefined) {
  const { dataDir, db, log } = storeWith(EVENTS);
  const codec = pickCodec({});
  const target = new FileTarget(join(dataDir, 'archive'));
  await target.check();
  // Asked only once the archiver below exists (encode runs inside its flushOnce).
  const { encoder, asked } = noting(new InThreadSegmentEncoder(log, codec), () => archiver.backlog());
  const archiver: Archiver = new Archiver({
    log, target, clock: systemClock, logger: silentLogger, codec, flushMs: 10, maxRows: MAX_ROWS, state: new ArchiveState(db, target.uri), encoder, catchUpLevel,
  });
  while (archiver.backlog() > 0) expect(await archiver.flushOnce()).toBe(true);
  const rows = await archivedRows(join(dataDir, 'archive'));
  db.close();
  return { asked, stats: archiver.stats, rows, codec };
}

describe('archiver catch-up level', () => {
  it('encodes at the catch-up level while two segments or more wait, then at its own level', async () => {
    const { asked, stats, rows, codec } = await archiveAll(1);
    expect(codec.level).not.toBe(1);
    expect(asked.length).toBe(EVENTS / MAX_ROWS);
    for (const a of asked) expect(a.level, `segment taken at a backlog of ${a.backlog}`).toBe(a.backlog >= 2 * MAX_ROWS ? 1 : undefined);
    expect(asked.at(-1)).toEqual({ backlog: MAX_ROWS, level: undefined });
    expect(stats.catchUpSegments).toBe(EVENTS / MAX_ROWS - 1);
    expect(stats.segmentsDone).toBe(EVENTS / MAX_ROWS);
    expect(rows.length).toBe(EVENTS);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(EVENTS);
  });

  it('keeps every segment at the codec level when no catch-up level is set (a level the operator fixed)', async () => {
    const { asked, stats, rows } = await archiveAll(undefined);
    expect(asked.every((a) => a.level === undefined)).toBe(true);
    expect(stats.catchUpSegments).toBe(0);
    expect(rows.length).toBe(EVENTS);
  });

  it('really compresses at the level asked for: the same segment, larger at the faster level, same rows', async () => {
    const { db, log } = storeWith(MAX_ROWS * 5);
    const codec = pickCodec({});
    const encoder = new InThreadSegmentEncoder(log, codec);
    const own = await encoder.encode(0, { to: MAX_ROWS * 5 }, 'w1');
    const fast = await encoder.encode(0, { to: MAX_ROWS * 5 }, 'w1', undefined, 1);
    const size = (s: typeof own) => s.objects.reduce((n, o) => n + o.body.byteLength, 0);
    expect(fast.objects.map((o) => [o.key, o.rows])).toEqual(own.objects.map((o) => [o.key, o.rows]));
    expect(size(fast)).toBeGreaterThan(size(own));
    db.close();
  });
});
