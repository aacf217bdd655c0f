/**
 * Exactly once across a crash: a segment planned and partly uploaded is redone after a "restart"
 * (a new Archiver on the same store) under the same object names, so nothing is doubled or lost.
 * The store is the real SQLite event log; the target is a real folder, with one upload made to fail.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveState } from '../../src/archive/archive-state.js';
import { Archiver } from '../../src/archive/archiver.js';
import { pickCodec } from '../../src/archive/compression.js';
import { FileTarget } from '../../src/archive/file-target.js';
import { parseKey } from '../../src/archive/key-layout.js';
import type { ObjectTarget } from '../../src/archive/object-target.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';
import { archivedRows } from './helpers/duckdb.js';
import { agentEvents } from './fixtures/agent-events.js';

/** A real folder target whose uploads start failing after `okPuts` of them (a bucket going away). */
class FailingAfter implements ObjectTarget {
  puts = 0;
  constructor(private readonly inner: FileTarget, private readonly okPuts: number) {}
  get uri() { return this.inner.uri; }
  check() { return this.inner.check(); }
  async put(key: string, body: Uint8Array) {
    if (++this.puts > this.okPuts) throw new Error('connection reset');
    return this.inner.put(key, body);
  }
  get(key: string) { return this.inner.get(key); }
  list(prefix: string) { return this.inner.list(prefix); }
  delete(keys: readonly string[]) { return this.inner.delete(keys); }
  close() {}
}

function drafts(count: number, startSeq: number) {
  return agentEvents({ count, startSeq, seed: startSeq }).map(({ seq: _seq, ...d }) => d);
}

describe('archiver crash and redo', () => {
  it('redoes a partly uploaded segment with the same names, then carries on', async () => {
    const dataDir = tempDir('auren-redo-');
    const archiveDir = join(dataDir, 'archive');
    const db = openSqlite(join(dataDir, 'auren.db'));
    const log = new SqliteEventLog({ db, clock: systemClock, dedupWindowMs: 600_000 });
    log.appendSync(drafts(500, 1));
    const common = { log, clock: systemClock, logger: silentLogger, codec: pickCodec({}), flushMs: 10 };

    const real = new FileTarget(archiveDir);
    await real.check();
    const flaky = new FailingAfter(real, 1);
    const first = new Archiver({ ...common, target: flaky, state: new ArchiveState(db, real.uri), uploadConcurrency: 1 });
    expect(await first.flushOnce()).toBe(false);
    expect(new ArchiveState(db, real.uri).load()).toEqual({ cursor: 0, pendingTo: 500 });
    const afterCrash: string[] = [];
    for await (const o of real.list('')) afterCrash.push(o.key);
    expect(afterCrash.length).toBe(1);

    log.appendSync(drafts(100, 501)); // more events arrive before the restart

    const second = new Archiver({ ...common, target: real, state: new ArchiveState(db, real.uri) });
    expect(await second.flushOnce()).toBe(true);
    expect(second.archivedSeq()).toBe(500);
    expect(await second.flushOnce()).toBe(true);
    expect(second.archivedSeq()).toBe(600);

    const keys: string[] = [];
    for await (const o of real.list('')) keys.push(o.key);
    expect(keys).toContain(afterCrash[0]); // overwritten in place, not written twice
    const ranges = keys.map((k) => `${parseKey(k)!.first}-${parseKey(k)!.last}`);
    expect(new Set(ranges)).toEqual(new Set(['1-500', '501-600']));
    const rows = await archivedRows(archiveDir);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    db.close();
  });

  it('moves past events swept before they could be archived (an archive turned on later)', async () => {
    const dataDir = tempDir('auren-redo-');
    const db = openSqlite(join(dataDir, 'auren.db'));
    const log = new SqliteEventLog({ db, clock: systemClock, dedupWindowMs: 600_000 });
    log.appendSync(drafts(50, 1));
    log.sweep('operational', Date.now() + 1, 50);
    log.sweep('analytical', Date.now() + 1, 50);
    log.sweep('critical', Date.now() + 1, 50);
    const target = new FileTarget(join(dataDir, 'archive'));
    await target.check();
    const a = new Archiver({ log, target, clock: systemClock, logger: silentLogger, codec: pickCodec({}), flushMs: 10, state: new ArchiveState(db, target.uri) });
    expect(await a.flushOnce()).toBe(true);
    expect(a.archivedSeq()).toBe(50);
    log.appendSync(drafts(10, 51));
    expect(await a.flushOnce()).toBe(true);
    expect((await archivedRows(join(dataDir, 'archive'))).map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 51 + i));
    db.close();
  });
});
