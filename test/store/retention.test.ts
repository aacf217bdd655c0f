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
});
