/**
 * The checkpoint thread's side: its own connection to the store copies committed WAL pages back
 * into the database file (PRAGMA wal_checkpoint(PASSIVE): never blocks the writer, never waits for
 * readers) every few hundred milliseconds. Started by src/runtime/<runtime>/store-worker.ts with
 * its SQLite driver.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OpenSqlite } from '../../runtime/types.js';

export interface CheckpointSetup {
  dbPath: string;
  intervalMs: number;
}

/** Sent after each checkpoint: frames in the WAL, and how many of them are in the database file. */
export interface CheckpointReport {
  walFrames: number;
  checkpointed: number;
}

export function serveCheckpoints(openSqlite: OpenSqlite): void {
  const port = parentPort;
  if (!port) throw new Error('the checkpointer runs in a worker thread');
  const setup = workerData as CheckpointSetup;
  const db = openSqlite(setup.dbPath);
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => {
    try {
      const r = checkpoint.get<{ busy: number; log: number; checkpointed: number }>();
      if (r) port.postMessage({ walFrames: r.log, checkpointed: r.checkpointed } satisfies CheckpointReport);
    } catch (err) {
      // The next round retries; the main connection's own auto-checkpoint bounds the WAL meanwhile.
      port.postMessage({ error: (err as Error).message });
    }
  }, setup.intervalMs);
  port.on('message', (msg: unknown) => {
    if (msg !== 'stop') return;
    clearInterval(timer);
    db.close();
    port.close();
  });
}
