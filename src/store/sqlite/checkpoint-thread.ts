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
 * only what was committed during the one before, so it is short and likelier to end in a gap. Beside
 * the test suite's other files that took restarts from rare to about one a second, though not every
 * time before the event loop's own checkpoint.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { OpenSqlite } from '../../runtime/types.js';

/** WAL frames (32 MiB) past which a round chases the writer with up to CHASE_PASSES more passes. */
export const CHASE_FRAMES = 8192;
export const CHASE_PASSES = 8;

/** What PRAGMA wal_checkpoint answers: frames in the WAL, and how many of them are in the database file. */
export interface PassResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * One round: a PASSIVE pass, then, past CHASE_FRAMES, more passes at once: each copies only what was
 * committed during the one before, so it is short, and one that ends before the next commit lets
 * that commit start the WAL over (seen here as a pass reporting fewer frames than the one before).
 */
export function checkpointRound(pass: () => PassResult | undefined): PassResult | undefined {
  let r = pass();
  for (let i = 0; r && r.log > CHASE_FRAMES && i < CHASE_PASSES; i++) {
    const next = pass();
    if (!next) break;
    const restarted = next.log < r.log;
    r = next;
    if (restarted) break;
  }
  return r;
}

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
      const r = checkpointRound(() => checkpoint.get<PassResult>());
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
