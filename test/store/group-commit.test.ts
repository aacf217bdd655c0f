/**
 * Appends that are ready in the same turn of the event loop share one commit: each caller gets its
 * own result (its stored events and its duplicates), ids repeated across the group are caught, the
 * readers see one batch in seq order, and a failed commit fails every caller and stores nothing.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { EventDraft, StoredEvent } from '../../src/core/event.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { SqliteEventLog } from '../../src/store/sqlite/sqlite-event-log.js';
import { tempDir } from '../helpers/config.js';

function draft(id: string, generated = false): EventDraft {
  const now = Date.now();
  return { id, ts: now, received_at: now, project: 'p', type: 'agent.step', tier: 'operational', ...(generated ? { idGenerated: true as const } : {}) };
}

function openLog() {
  const db = openSqlite(join(tempDir('auren-group-'), 'auren.db'));
  db.exec('PRAGMA journal_mode = WAL');
  return { db, log: new SqliteEventLog({ db, clock: systemClock, dedupWindowMs: 600_000 }) };
}

describe('group commit', () => {
  it('commits appends made in the same turn together, each caller with its own result', async () => {
    const { db, log } = openLog();
    const seen: StoredEvent[][] = [];
    log.onAppend((events) => seen.push([...events]));
    const [a, b, c] = await Promise.all([
      log.append([draft('x1'), draft('x2')]),
      log.append([draft('x2'), draft('y1'), draft('gen', true)]),
      log.append([draft('x1'), draft('x1')]),
    ]);
    expect(log.commits).toBe(1);
    expect(a.stored.map((e) => e.id)).toEqual(['x1', 'x2']);
    expect(a.duplicates).toEqual([]);
    expect(b.stored.map((e) => e.id)).toEqual(['y1', 'gen']);
    expect(b.duplicates).toEqual([0]);
    expect(c.stored).toEqual([]);
    expect(c.duplicates).toEqual([0, 1]);
    expect(seen).toHaveLength(1);
    expect(seen[0].map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect([...a.stored, ...b.stored].map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // A later turn is a new commit, and still sees the ids as duplicates.
    const d = await log.append([draft('y1'), draft('z1')]);
    expect(log.commits).toBe(2);
    expect(d.duplicates).toEqual([0]);
    expect(d.stored.map((e) => [e.id, e.seq])).toEqual([['z1', 5]]);
    db.close();
  });

  it('fails every caller of a group whose commit fails, and stores none of it', async () => {
    const { db, log } = openLog();
    await log.append([draft('before')]);
    db.exec('CREATE TRIGGER no_bad BEFORE INSERT ON events WHEN NEW.id = \'bad\' BEGIN SELECT RAISE(ABORT, \'refused\'); END');
    const results = await Promise.allSettled([log.append([draft('ok1')]), log.append([draft('bad')]), log.append([draft('ok2')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(log.count()).toBe(1);
    expect(log.writable()).toBe(false);
    db.exec('DROP TRIGGER no_bad');
    // Nothing of the failed group was remembered: the same ids go through now, right after seq 1.
    const again = await log.append([draft('ok1'), draft('bad')]);
    expect(again.stored.map((e) => [e.id, e.seq])).toEqual([['ok1', 2], ['bad', 3]]);
    expect(log.writable()).toBe(true);
    db.close();
  });
});
