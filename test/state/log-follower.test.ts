import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventDraft, StoredEvent } from '../../src/core/event.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { LogFollower, type StateSink } from '../../src/state/log-follower.js';
import '../../src/state/migrations.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';

function setup() {
  const db = openSqlite(join(tempDir(), 'auren.db'));
  const log = new SqliteEventLog({ db, clock: { now: () => Date.now() }, dedupWindowMs: 1000 });
  return { db, log };
}

let n = 0;
const drafts = (k: number): EventDraft[] =>
  Array.from({ length: k }, () => ({ id: `e${n++}`, ts: Date.now(), received_at: Date.now(), project: 'p', type: 'agent.step', tier: 'operational' as const }));

/**
 * A sink of two parts that records, per part, the seqs it wrote in order; `fold` may throw to
 * simulate a bad event, and the first `failWrites` writes of part 1 fail.
 */
function recordingSink(fold: (evs: readonly StoredEvent[]) => void = () => {}, failWrites = 0): StateSink & { seen: number[]; seenB: number[] } {
  const pending: number[][] = [[], []];
  const written: number[][] = [[], []];
  return {
    parts: ['a', 'b'],
    seen: written[0],
    seenB: written[1],
    add(evs, after) {
      fold(evs);
      for (const e of evs) for (let p = 0; p < 2; p++) if (e.seq > after[p]) pending[p].push(e.seq);
    },
    flush(p) {
      if (p === 1 && failWrites-- > 0) throw new Error('disk I/O error');
      written[p].push(...pending[p]);
      pending[p].length = 0;
    },
    reset() {
      pending[0].length = 0;
      pending[1].length = 0;
    },
  };
}

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LogFollower: every committed event applied exactly once, in order', () => {
  it('catches up from the log, follows live appends, and re-reads after its queue overflows', async () => {
    const { db, log } = setup();
    log.appendSync(drafts(3000)); // before the follower exists: replayed from the log
    const sink = recordingSink();
    const seen = sink.seen;
    const f = new LogFollower({ db, log, logger: silentLogger, sink, maxQueued: 500 });
    f.start();
    // Live appends in bursts bigger than the queue allows: the follower falls back to reading the log.
    for (let i = 0; i < 20; i++) log.appendSync(drafts(i % 2 ? 700 : 50));
    await until(() => f.lag() === 0);
    for (let i = 0; i < 10; i++) {
      log.appendSync(drafts(10));
      await new Promise((r) => setImmediate(r));
    }
    await until(() => f.lag() === 0);
    await f.stop();
    expect(seen).toEqual(Array.from({ length: log.lastSeq() }, (_, i) => i + 1));
    expect(sink.seenB).toEqual(seen);
    expect(db.prepare('SELECT seq FROM state_watermark').get<{ seq: number }>()!.seq).toBe(log.lastSeq());
    expect(db.prepare("SELECT part, seq FROM state_marks WHERE part IN ('a', 'b') ORDER BY part").all()).toEqual([{ part: 'a', seq: log.lastSeq() }, { part: 'b', seq: log.lastSeq() }]);
  });

  it('skips (and logs) an event that can never be applied, applying all the others once', async () => {
    const { db, log } = setup();
    log.appendSync(drafts(50));
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (msg) => errors.push(msg) };
    const sink = recordingSink((evs) => {
      if (evs.some((e) => e.seq === 17)) throw new Error('poison');
    });
    const seen = sink.seen;
    const f = new LogFollower({ db, log, logger, sink });
    f.start();
    await until(() => f.watermark === 50, 15_000);
    await f.stop();
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1).filter((s) => s !== 17));
    expect(errors).toContain('dashboard state skipped an event it cannot apply');
  });

  it('writes live events together after the interval, and re-reads them when a write fails', async () => {
    const { db, log } = setup();
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (msg) => errors.push(msg) };
    const sink = recordingSink(undefined, 1);
    const f = new LogFollower({ db, log, logger, sink, intervalMs: 50 });
    f.start();
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 30; i++) log.appendSync(drafts(10)); // one interval: one write (which fails)
    await until(() => f.watermark === 300);
    for (let i = 0; i < 5; i++) log.appendSync(drafts(10));
    expect(f.watermark).toBe(300); // live sums wait for the interval
    await until(() => f.watermark === 350);
    await f.stop();
    // Part a committed before part b failed: it is not written twice when the events are read again.
    expect(sink.seen).toEqual(Array.from({ length: 350 }, (_, i) => i + 1));
    expect(sink.seenB).toEqual(sink.seen);
    expect(errors).toContain('dashboard state update failed; retrying event by event');
    expect(f.failures).toBe(1);
  });

  it('resumes each part from its own mark after a restart', async () => {
    const { db, log } = setup();
    log.appendSync(drafts(100));
    db.prepare("INSERT INTO state_marks (part, seq) VALUES ('a', 60), ('b', 40)").run();
    db.prepare('UPDATE state_watermark SET seq = 40').run();
    const sink = recordingSink();
    const f = new LogFollower({ db, log, logger: silentLogger, sink });
    expect(f.watermark).toBe(40);
    f.start();
    await until(() => f.watermark === 100);
    await f.stop();
    expect(sink.seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 61));
    expect(sink.seenB).toEqual(Array.from({ length: 60 }, (_, i) => i + 41));
  });

  it('stops a catch-up at its next step, and the next start goes on from there exactly once', async () => {
    const { db, log } = setup();
    log.appendSync(drafts(60_000));
    const first = recordingSink();
    const f = new LogFollower({ db, log, logger: silentLogger, sink: first });
    f.start();
    await new Promise((r) => setImmediate(r));
    await f.stop();
    expect(f.watermark).toBeGreaterThan(0); // what it had read is written
    expect(f.watermark).toBeLessThan(60_000);
    const second = recordingSink();
    const g = new LogFollower({ db, log, logger: silentLogger, sink: second });
    g.start();
    await until(() => g.watermark === 60_000, 30_000);
    await g.stop();
    expect([...first.seen, ...second.seen]).toEqual(Array.from({ length: 60_000 }, (_, i) => i + 1));
  });
});
