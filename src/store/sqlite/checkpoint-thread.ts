/**
 * The checkpoint thread's side: its own connection to the store copies committed WAL pages back
 * into the database file (PRAGMA wal_checkpoint(PASSIVE): never blocks the writer, never waits for
 * readers) every CHECKPOINT_MS (checkpointer.ts). Started by src/runtime/<runtime>/store-worker.ts
 * with its SQLite driver.
 *
 * SQLite starts the WAL over only when a commit begins with every frame already copied, so a pass
 * must end between two commits. Most do at moderate load; when the machine is busy they keep
 * overlapping commits and the WAL grows toward the event loop's own checkpoint (a ~100 ms stall
 * inside a commit). Past CHASE_FRAMES a round therefore chases the writer: each further pass copies
 * only what was committed during the one before, so it is short and likelier to end in a gap. Under
 * the test suite's CPU contention that took the WAL's restarts from rare to several per second.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OpenSqlite } from '../../runtime/types.js';

/** WAL frames (32 MiB) past which a round chases the writer with up to CHASE_PASSES more passes. */
const CHASE_FRAMES = 8192;
const CHASE_PASSES = 8;

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
  type Result = { busy: number; log: number; checkpointed: number };
  const timer = setInterval(() => {
    try {
      let r = checkpoint.get<Result>();
      // Past CHASE_FRAMES, pass again at once: each pass copies only what was committed during the
      // one before, so it is short, and one that ends before the next commit lets that commit start
      // the WAL over (seen here as a pass reporting fewer frames than the one before).
      for (let i = 0; r && r.log > CHASE_FRAMES && i < CHASE_PASSES; i++) {
        const next = checkpoint.get<Result>();
        if (!next) break;
        const restarted = next.log < r.log;
        r = next;
        if (restarted) break;
      }
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
