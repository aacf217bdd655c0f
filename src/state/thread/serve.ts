/**
 * The state thread's side. It has two connections: state.db (the only one that writes it) and the
 * store (read only; not attached to the first, whose BEGIN IMMEDIATE would then take the store's
 * write lock too and make ingest commits wait). It follows the
 * log by reading the events the event loop announces as committed, folds and writes them with the
 * same writer and follower as the event loop would, runs the state's retention, and reports its
 * progress. Started by src/runtime/<runtime>/state-worker.ts with its SQLite driver.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { systemClock } from '../../core/clock.js';
import type { StoredEvent } from '../../core/event.js';
import type { Logger } from '../../core/log.js';
import { lowerThreadPriority } from '../../runtime/thread-priority.js';
import type { OpenSqlite, SqliteDatabase } from '../../runtime/types.js';
import type { AppendListener } from '../../store/event-log.js';
import { readEvents } from '../../store/sqlite/sqlite-event-log.js';
import type { HandoffDelta, HandoffSink } from '../handoff-index.js';
import { LogFollower, type FollowedLog, type StateSink } from '../log-follower.js';
import { STATE_PRAGMAS } from '../state-file.js';
import { StateRetention } from '../state-retention.js';
import { StateWriter, type DashboardName } from '../state-writer.js';
import { plainFields, type FromStateThread, type StateThreadSetup, type ToStateThread } from './messages.js';

/** Events read per step when the event loop announces new ones (bounds the batch the follower folds at once). */
const DELIVER_CHUNK = 5000;
/** How often progress is reported even without a write round (failures, lag). */
const REPORT_MS = 1000;

/** The log as this thread sees it: announced seqs, and the committed rows behind them. */
class AnnouncedLog implements FollowedLog {
  private listener: AppendListener | undefined;
  private last: number;
  private delivered: number;

  constructor(private readonly db: SqliteDatabase, startSeq: number) {
    this.last = startSeq;
    this.delivered = startSeq;
  }

  onAppend(listener: AppendListener): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }

  read(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return Promise.resolve(readEvents(this.db, afterSeq, limit));
  }

  lastSeq(): number {
    return this.last;
  }

  /** Events up to `seq` are committed: hand them to the follower as committed batches. */
  committed(seq: number): void {
    if (seq > this.last) this.last = seq;
    while (this.listener && this.delivered < this.last) {
      const batch = readEvents(this.db, this.delivered, DELIVER_CHUNK);
      if (batch.length === 0) break;
      this.delivered = batch[batch.length - 1].seq;
      this.listener(batch);
    }
  }
}

/** Handoff deltas go to the event loop's index once the round that staged them committed. */
class HandoffRelay implements HandoffSink {
  private pending: HandoffDelta[] = [];
  private committedDeltas: HandoffDelta[] = [];

  stage(project: string, hour: number, from: string, to: string, handoffs: number, calls: number, cost: number): void {
    this.pending.push([project, hour, from, to, handoffs, calls, cost]);
  }

  commit(): void {
    for (const d of this.pending) this.committedDeltas.push(d);
    this.pending = [];
  }

  discard(): void {
    this.pending = [];
  }

  take(): HandoffDelta[] {
    const out = this.committedDeltas;
    this.committedDeltas = [];
    return out;
  }
}

function portLogger(port: MessagePort): Logger {
  const send = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) =>
    port.postMessage({ kind: 'log', level, msg, fields: plainFields(fields) } satisfies FromStateThread);
  return { debug: send('debug'), info: send('info'), warn: send('warn'), error: send('error') };
}

function takeDirty(dirty: Record<DashboardName, Set<string>>): Record<DashboardName, string[]> {
  const out = { cost: [...dirty.cost], reasoning: [...dirty.reasoning], learning: [...dirty.learning] };
  dirty.cost.clear();
  dirty.reasoning.clear();
  dirty.learning.clear();
  return out;
}

export function serveState(openSqlite: OpenSqlite): void {
  const port = parentPort;
  if (!port) throw new Error('the dashboard state thread runs in a worker thread');
  const setup = workerData as StateThreadSetup;
  const db = openSqlite(setup.statePath);
  db.exec(STATE_PRAGMAS);
  const store = openSqlite(setup.storePath);
  store.exec('PRAGMA busy_timeout = 5000; PRAGMA query_only = ON');
  const logger = portLogger(port);
  if (!lowerThreadPriority()) logger.debug('the dashboard state thread keeps the event loop\'s CPU priority (no per-thread priority here)');
  const handoffs = new HandoffRelay();
  const writer = new StateWriter(db, setup.retention, handoffs);
  const log = new AnnouncedLog(store, setup.startSeq);
  // Called only once the follower below exists (by its write rounds, the ticker and stop).
  const report = () => {
    port.postMessage({
      kind: 'report', watermark: follower.watermark, applied: follower.applied, failures: follower.failures, dirty: takeDirty(writer.dirty), handoffs: handoffs.take(),
    } satisfies FromStateThread);
  };
  // The writer as the follower drives it, plus a report once a round's last part committed (after
  // the follower has counted the round: hence the microtask).
  const sink: StateSink = {
    parts: writer.parts,
    add: (events, after) => writer.add(events, after),
    flush: (part) => writer.flush(part),
    reset: () => writer.reset(),
    committed: (part) => {
      writer.committed(part);
      if (part === writer.parts.length - 1) queueMicrotask(report);
    },
  };
  const follower = new LogFollower({ db, log, logger, sink });
  const retention = new StateRetention(db, systemClock, logger, setup.retention);
  const abort = new AbortController();
  const retentionRun = retention.run(abort.signal);
  const ticker = setInterval(report, REPORT_MS);
  follower.start();

  port.on('message', (m: ToStateThread) => {
    if (m.op === 'committed') log.committed(m.seq);
    else if (m.op === 'sweep') {
      retention.sweepOnce().then(
        (removed) => port.postMessage({ kind: 'swept', id: m.id, removed } satisfies FromStateThread),
        (err: Error) => port.postMessage({ kind: 'swept', id: m.id, removed: 0, error: err.message } satisfies FromStateThread),
      );
    } else if (m.op === 'stop') {
      log.committed(m.seq);
      clearInterval(ticker);
      abort.abort();
      void (async () => {
        try {
          await retentionRun;
          await follower.stop();
          report();
        } catch (err) {
          logger.error('the dashboard state thread could not write its last sums (the next start reads them from the log)', { err });
        } finally {
          db.close();
          store.close();
          port.postMessage({ kind: 'stopped' } satisfies FromStateThread);
          port.close();
        }
      })();
    }
  });
}
