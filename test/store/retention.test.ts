import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import type { EventDraft, Tier } from '../../src/core/event.js';
import { nodeRuntime } from '../../src/runtime/node/server.js';
import { RetentionSweeper } from '../../src/store/sqlite/retention-sweeper.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';

const H = 3_600_000;

function setup() {
  const db = nodeRuntime.openSqlite(join(tempDir(), 'r.db'));
  let now = Date.UTC(2026, 10, 1);
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const log = new SqliteEventLog({ db, clock, dedupWindowMs: 600_000 });
  let n = 0;
  const add = (tier: Tier, count: number) =>
    log.appendSync(Array.from({ length: count }, (): EventDraft => ({ id: `r${n++}`, ts: now, received_at: now, project: 'p', type: 't.x', tier })));
  return { db, log, clock, add };
}

describe('retention sweeper', () => {
  it('removes each tier after its own window, oldest first', async () => {
    const { log, clock, add } = setup();
    add('analytical', 10);
    add('operational', 10);
    add('critical', 10);
    clock.advance(7 * H);
    add('analytical', 5);
    const sweeper = new RetentionSweeper({ log, clock, logger: silentLogger, retention: { critical: 72 * H, operational: 24 * H, analytical: 6 * H }, floor: () => log.lastSeq() });
    expect(await sweeper.sweepOnce()).toBe(10);
    const left = await log.read(0, 1000);
    expect(left.filter((e) => e.tier === 'analytical')).toHaveLength(5);
    expect(left.filter((e) => e.tier === 'operational')).toHaveLength(10);
    clock.advance(20 * H);
    expect(await sweeper.sweepOnce()).toBe(15);
    clock.advance(50 * H);
    expect(await sweeper.sweepOnce()).toBe(10);
    expect(log.count()).toBe(0);
    expect(log.lastSeq()).toBe(35);
  });

  it('never sweeps past the floor (events not yet archived stay)', async () => {
    const { log, clock, add } = setup();
    add('analytical', 100);
    clock.advance(10 * H);
    const sweeper = new RetentionSweeper({ log, clock, logger: silentLogger, retention: { critical: H, operational: H, analytical: H }, floor: () => 40 });
    expect(await sweeper.sweepOnce()).toBe(40);
    const left = await log.read(0, 1000);
    expect(left[0].seq).toBe(41);
  });

  it('sweeps large backlogs in chunks and keeps seq after a restart with an empty table', async () => {
    const { db, log, clock, add } = setup();
    for (let i = 0; i < 4; i++) add('operational', 5000);
    clock.advance(25 * H);
    const sweeper = new RetentionSweeper({ log, clock, logger: silentLogger, retention: { critical: H, operational: H, analytical: H }, floor: () => log.lastSeq() });
    expect(await sweeper.sweepOnce()).toBe(20_000);
    // seq is the INTEGER PRIMARY KEY: with every row gone it must still not go back.
    const again = new SqliteEventLog({ db, clock, dedupWindowMs: 600_000 });
    expect(again.lastSeq()).toBe(20_000);
  });

  it('sweeps a tier past younger events of other tiers, and each tier stops at its own first young event', async () => {
    const { log, clock, add } = setup();
    for (let i = 0; i < 3; i++) {
      add('analytical', 4);
      add('critical', 1);
    }
    clock.advance(7 * H);
    add('analytical', 2);
    const sweeper = new RetentionSweeper({ log, clock, logger: silentLogger, retention: { critical: 72 * H, operational: 24 * H, analytical: 6 * H }, floor: () => log.lastSeq() });
    expect(await sweeper.sweepOnce()).toBe(12);
    const left = await log.read(0, 1000);
    expect(left.map((e) => e.tier)).toEqual(['critical', 'critical', 'critical', 'analytical', 'analytical']);
  });

  it('never drops an event early when the clock was set back: later events wait for the earlier one', async () => {
    const { log, clock, add } = setup();
    add('analytical', 1); // received at T
    clock.advance(-2 * H);
    add('analytical', 1); // received at T − 2 h, after the one above
    clock.advance(2 * H + 7 * H); // T + 7 h: the second is 9 h old, the first 7 h
    const sweeper = new RetentionSweeper({ log, clock, logger: silentLogger, retention: { critical: H, operational: H, analytical: 8 * H }, floor: () => log.lastSeq() });
    expect(await sweeper.sweepOnce()).toBe(0);
    expect(log.count()).toBe(2);
    clock.advance(2 * H);
    expect(await sweeper.sweepOnce()).toBe(2);
  });

  it('keeps each tier\'s place across a restart and sweeps what arrived since', async () => {
    const { db, log, clock, add } = setup();
    add('analytical', 12_000);
    add('critical', 1);
    clock.advance(7 * H);
    const retention = { critical: 72 * H, operational: 24 * H, analytical: 6 * H };
    expect(await new RetentionSweeper({ log, clock, logger: silentLogger, retention, floor: () => log.lastSeq() }).sweepOnce()).toBe(12_000);
    add('analytical', 3);
    clock.advance(7 * H);
    const again = new SqliteEventLog({ db, clock, dedupWindowMs: 600_000 });
    const through = db.prepare("SELECT value FROM meta WHERE key = 'swept_through_analytical'").get<{ value: string }>();
    expect(Number(through?.value)).toBe(12_001);
    expect(await new RetentionSweeper({ log: again, clock, logger: silentLogger, retention, floor: () => again.lastSeq() }).sweepOnce()).toBe(3);
    expect((await again.read(0, 10)).map((e) => e.tier)).toEqual(['critical']);
  });

  it('never moves a tier\'s place past the last seq it handed out, whatever floor it is given', async () => {
    const { db, log, clock, add } = setup();
    add('analytical', 3);
    clock.advance(7 * H);
    expect(log.sweep('analytical', clock.now() - 6 * H, 1_000_000)).toEqual({ deleted: 3, more: false });
    expect(Number(db.prepare("SELECT value FROM meta WHERE key = 'swept_through_analytical'").get<{ value: string }>()?.value)).toBe(3);
    add('analytical', 2);
    clock.advance(7 * H);
    expect(log.sweep('analytical', clock.now() - 6 * H, 1_000_000).deleted).toBe(2);
  });

  it('keeps no index on the events table for retention (an older file loses its index)', () => {
    const { db } = setup();
    const indexes = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all<{ name: string }>().map((r) => r.name);
    expect(indexes()).toEqual([]);
    db.exec('CREATE INDEX events_tier_received ON events (tier, received_at)');
    db.exec('DELETE FROM schema_migrations WHERE version = 2');
    new SqliteEventLog({ db, clock: { now: () => Date.now() }, dedupWindowMs: 600_000 });
    expect(indexes()).toEqual([]);
  });
});

describe('dedup window after a restart', () => {
  it('holds the ids received within the window, newest first up to its cap, and none older', () => {
    const { db, clock, add } = setup();
    add('operational', 5); // r0..r4, will be 20 min old
    clock.advance(20 * 60_000);
    add('critical', 5); // r5..r9, fresh
    const draft = (id: string): EventDraft => ({ id, ts: clock.now(), received_at: clock.now(), project: 'p', type: 't.x', tier: 'operational' });
    const reopened = new SqliteEventLog({ db, clock, dedupWindowMs: 600_000 });
    const r = reopened.appendSync(['r3', 'r5', 'r9', 'new'].map(draft));
    expect(r.duplicates).toEqual([1, 2]);
    const capped = new SqliteEventLog({ db, clock, dedupWindowMs: 600_000, dedupMaxEntries: 2 });
    expect(capped.dedupSize).toBe(2);
    expect(capped.appendSync(['r8', 'new'].map(draft)).duplicates).toEqual([1]);
  });
});

