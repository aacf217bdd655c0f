/**
 * The checkpoint thread: while it runs, the event loop's connection only checkpoints past a large WAL;
 * when it stops, SQLite's default comes back at once, and the thread is started again after a wait.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { openSqlite } from '../../src/runtime/node/sqlite.js';
import { Checkpointer } from '../../src/store/sqlite/checkpointer.js';
import { tempDir } from '../helpers/config.js';

const autoCheckpoint = (db: ReturnType<typeof openSqlite>) => db.prepare('PRAGMA wal_autocheckpoint').get<{ wal_autocheckpoint: number }>()!.wal_autocheckpoint;

describe('Checkpointer', () => {
  it('falls back to in-commit checkpoints when its thread dies, and starts a new thread after a wait', async () => {
    const dir = tempDir();
    const db = openSqlite(join(dir, 'auren.db'));
    db.exec('PRAGMA journal_mode = WAL');
    // A stand-in thread: the first one dies at once, the next one reports like the real one.
    const marker = join(dir, 'started-once');
    const entry = join(dir, 'thread.mjs');
    writeFileSync(entry, `
      import { existsSync, writeFileSync } from 'node:fs';
      import { parentPort } from 'node:worker_threads';
      if (!existsSync(${JSON.stringify(marker)})) { writeFileSync(${JSON.stringify(marker)}, ''); process.exit(1); }
      const t = setInterval(() => parentPort.postMessage({ walFrames: 7, checkpointed: 7 }), 20);
      parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(t); parentPort.close(); } });
    `);
    const warnings: string[] = [];
    const c = new Checkpointer({ db, dbPath: join(dir, 'auren.db'), entry: pathToFileURL(entry), logger: { ...silentLogger, warn: (m) => warnings.push(m) }, retryMs: 200 });
    expect(c.start()).toBe(true);
    expect(autoCheckpoint(db)).toBe(16_384);
    await expect.poll(() => c.offThread()).toBe(false);
    expect(autoCheckpoint(db)).toBe(1000);
    expect(warnings[0]).toMatch(/checkpoint thread stopped.*started again in 0.2 s/);
    await expect.poll(() => c.walFrames, { timeout: 5000 }).toBe(7);
    expect(c.offThread()).toBe(true);
    expect(autoCheckpoint(db)).toBe(16_384);
    expect(existsSync(marker)).toBe(true);
    await c.close();
    db.close();
  });
});
