/**
 * auren_archive_lag_seconds (Archiver.lagSeconds) tells how long the oldest event not yet in the
 * archive has waited — also while the backlog stays over the segment caps and segments go out back
 * to back, which is when an alert on it matters. Real SQLite log, real folder target whose uploads
 * are held until the test lets them go.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveState } from '../../src/archive/archive-state.js';
import { Archiver } from '../../src/archive/archiver.js';
import { pickCodec } from '../../src/archive/compression.js';
import { FileTarget } from '../../src/archive/file-target.js';
import { parseKey } from '../../src/archive/key-layout.js';
import type { ObjectTarget } from '../../src/archive/object-target.js';
import { silentLogger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';
import { agentEvents } from './fixtures/agent-events.js';

/** A folder target that holds the uploads of each segment (named by its first seq) until released. */
class HeldTarget implements ObjectTarget {
  private readonly waiting: { first: number; go: () => void }[] = [];
  private releasedThrough = 0;
  constructor(private readonly inner: FileTarget) {}
  get uri() { return this.inner.uri; }
  check() { return this.inner.check(); }
  /** First seqs of the segments whose uploads are being held. */
  held(): number[] {
    return [...new Set(this.waiting.map((w) => w.first))];
  }
  /** Lets the uploads of every segment starting at or before `seq` through. */
  release(seq: number): void {
    this.releasedThrough = seq;
    for (const w of this.waiting.splice(0)) {
      if (w.first <= seq) w.go();
      else this.waiting.push(w);
    }
  }
  async put(key: string, body: Uint8Array) {
    const first = parseKey(key)!.first;
    if (first > this.releasedThrough) await new Promise<void>((go) => this.waiting.push({ first, go }));
    return this.inner.put(key, body);
  }
  get(key: string) { return this.inner.get(key); }
  list(prefix: string) { return this.inner.list(prefix); }
  delete(keys: readonly string[]) { return this.inner.delete(keys); }
  close() {}
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('archive lag', () => {
  it('counts from the oldest waiting event while segments go out back to back over the caps', async () => {
    const dataDir = tempDir('auren-lag-');
    const db = openSqlite(join(dataDir, 'auren.db'));
    const clock = { t: 1_800_000_000_000, now() { return this.t; } };
    const log = new SqliteEventLog({ db, clock, dedupWindowMs: 600_000 });
    const received = clock.t;
    log.appendSync(agentEvents({ count: 250, startSeq: 1, seed: 3 }).map(({ seq: _seq, ...d }) => ({ ...d, received_at: received })));
    const target = new HeldTarget(new FileTarget(join(dataDir, 'archive')));
    await target.check();
    const archiver = new Archiver({
      log, clock, target, state: new ArchiveState(db, target.uri), logger: silentLogger, codec: pickCodec({}),
      flushMs: 60_000, maxRows: 100, uploadConcurrency: 1,
    });
    const stop = new AbortController();
    const running = archiver.run(stop.signal);

    // First segment (seqs 1–100) held in its upload: the oldest waiting event arrived 30 s ago.
    await until('the first upload', () => target.held().includes(1));
    clock.t += 30_000;
    expect(archiver.lagSeconds()).toBe(30);

    // It lands; 150 events are still over the cap, so the next segment goes out at once. Its
    // oldest event (seq 101) arrived with the others: it has waited 30 s, now 35.
    target.release(100);
    await until('the second upload', () => target.held().includes(101) && archiver.archivedSeq() === 100);
    clock.t += 5_000;
    expect(archiver.backlog()).toBe(150);
    expect(archiver.lagSeconds()).toBe(35);

    target.release(Number.MAX_SAFE_INTEGER);
    stop.abort();
    await running;
    db.close();
  });
});
