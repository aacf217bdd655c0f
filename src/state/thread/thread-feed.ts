/**
 * The dashboard state on a thread of its own. Folding events and writing the sums cost the event
 * loop about a quarter of its time under load, and each write round held ingest and live frames
 * for milliseconds; on its own thread (and its own file, state.db) that work runs beside ingest.
 * The event loop only announces committed seqs (at most every NOTIFY_MS) and mirrors what the
 * thread reports: its watermark (the store's retention floor), what changed (live frames), and the
 * committed handoff deltas (its handoff index, read by the dashboards' queries).
 *
 * If the thread cannot start or dies, the state is written on the event loop from then on, from the
 * marks the thread committed (exactly once: a part's sums and its mark commit together).
 */
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../core/clock.js';
import type { Tier } from '../../core/event.js';
import type { Logger } from '../../core/log.js';
import type { SqliteDatabase } from '../../runtime/types.js';
import type { EventLog } from '../../store/event-log.js';
import type { HandoffIndex } from '../handoff-index.js';
import { readMarks } from '../log-follower.js';
import { InProcessFeed, type StateFeed } from '../state-feed.js';
import { STATE_PARTS, type DashboardName } from '../state-writer.js';
import { revivedFields, type FromStateThread, type StateThreadSetup, type ToStateThread } from './messages.js';

/** Committed seqs are announced at most this often (dashboards publish at most once a second). */
const NOTIFY_MS = 20;
/** How long a stopping thread may take to write what it folded before it is cut off. */
const STOP_TIMEOUT_MS = 15_000;

export interface ThreadFeedOptions {
  /** The thread's entry module (see runtime/worker-entry.ts). */
  entry: URL;
  statePath: string;
  storePath: string;
  /** The event loop's connection to state.db (the store attached): for the first marks and the fallback. */
  db: SqliteDatabase;
  log: EventLog;
  logger: Logger;
  clock: Clock;
  retention: Record<Tier, number>;
  handoffs: HandoffIndex;
}

export class ThreadFeed implements StateFeed {
  private readonly reported: Record<DashboardName, Set<string>> = { cost: new Set(), reasoning: new Set(), learning: new Set() };
  private mirrored = { watermark: 0, applied: 0, failures: 0 };
  private worker: Worker | undefined;
  private fallback: InProcessFeed | undefined;
  private fellBack: () => void = () => {};
  private readonly fellBackPromise: Promise<void>;
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  private stopped: (() => void) | undefined;
  private nextSweep = 1;
  private readonly sweeps = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();

  constructor(private readonly o: ThreadFeedOptions) {
    this.mirrored.watermark = Math.min(...readMarks(o.db, STATE_PARTS));
    this.fellBackPromise = new Promise((r) => (this.fellBack = r));
  }

  get where(): 'thread' | 'event-loop' {
    return this.fallback ? 'event-loop' : 'thread';
  }

  get dirty(): Record<DashboardName, Set<string>> {
    return this.fallback ? this.fallback.dirty : this.reported;
  }

  get watermark(): number {
    return this.fallback ? this.fallback.watermark : this.mirrored.watermark;
  }

  get applied(): number {
    return this.mirrored.applied + (this.fallback?.applied ?? 0);
  }

  get failures(): number {
    return this.mirrored.failures + (this.fallback?.failures ?? 0);
  }

  start(): void {
    const setup: StateThreadSetup = { statePath: this.o.statePath, storePath: this.o.storePath, retention: this.o.retention, startSeq: this.o.log.lastSeq() };
    let w: Worker;
    try {
      w = new Worker(this.o.entry, { workerData: setup, name: 'auren-state' });
    } catch (err) {
      this.fallBack(err as Error);
      return;
    }
    this.worker = w;
    w.unref();
    w.on('message', (m: FromStateThread) => this.onMessage(m));
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => this.lost(w, new Error(`exited with code ${code}`)));
    this.unsubscribe = this.o.log.onAppend(() => this.scheduleNotify());
  }

  private scheduleNotify(): void {
    if (this.notifyTimer !== undefined) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.post({ op: 'committed', seq: this.o.log.lastSeq() });
    }, NOTIFY_MS);
  }

  private post(m: ToStateThread): void {
    this.worker?.postMessage(m);
  }

  private onMessage(m: FromStateThread): void {
    if (m.kind === 'report') {
      this.mirrored = { watermark: Math.max(this.mirrored.watermark, m.watermark), applied: m.applied, failures: m.failures };
      for (const name of Object.keys(m.dirty) as DashboardName[]) for (const p of m.dirty[name]) this.reported[name].add(p);
      if (m.handoffs.length > 0) this.o.handoffs.apply(m.handoffs);
    } else if (m.kind === 'log') {
      this.o.logger[m.level](m.msg, revivedFields(m.fields));
    } else if (m.kind === 'swept') {
      const s = this.sweeps.get(m.id);
      this.sweeps.delete(m.id);
      if (m.error) s?.reject(new Error(m.error));
      else s?.resolve(m.removed);
    } else if (m.kind === 'stopped') {
      this.stopped?.();
    }
  }

  private lost(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.stopped?.();
    if (this.stopping) return;
    this.fallBack(err);
  }

  /** From now on the state is written on the event loop, from the marks the thread committed. */
  private fallBack(err: Error): void {
    this.o.logger.warn('the dashboard state thread stopped or could not start; the state is written on the event loop from now on', { err, entry: this.o.entry.href });
    this.unsubscribe?.();
    clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    for (const s of this.sweeps.values()) s.reject(new Error('the dashboard state thread stopped'));
    this.sweeps.clear();
    // The thread may have committed handoffs it did not live to report: read them from the table.
    this.o.handoffs.reload(this.o.db);
    const f = new InProcessFeed({ db: this.o.db, log: this.o.log, logger: this.o.logger, clock: this.o.clock, retention: this.o.retention, handoffs: this.o.handoffs });
    // Changes reported but not yet published are published by the fallback's first round.
    for (const name of Object.keys(this.reported) as DashboardName[]) for (const p of this.reported[name]) f.dirty[name].add(p);
    this.fallback = f;
    f.start();
    this.fellBack();
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.race([this.fellBackPromise, new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })))]);
    if (this.fallback) return this.fallback.run(signal);
    await this.stopThread();
  }

  sweepOnce(): Promise<number> {
    if (this.fallback) return this.fallback.sweepOnce();
    if (!this.worker) return Promise.resolve(0);
    const id = this.nextSweep++;
    return new Promise((resolve, reject) => {
      this.sweeps.set(id, { resolve, reject });
      this.post({ op: 'sweep', id });
    });
  }

  /** Announces what is committed, lets the thread write what it folded, and waits for it (bounded). */
  private async stopThread(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    clearTimeout(this.notifyTimer);
    const w = this.worker;
    if (!w) return;
    // Referenced while it stops: an unreferenced thread could let Node end the process mid-shutdown.
    w.ref();
    const done = new Promise<void>((r) => (this.stopped = r));
    w.postMessage({ op: 'stop', seq: this.o.log.lastSeq() } satisfies ToStateThread);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (timedOut) this.o.logger.warn(`the dashboard state thread did not stop within ${STOP_TIMEOUT_MS / 1000} s; what it had not written is read from the log at the next start`);
    this.worker = undefined;
    await w.terminate();
  }
}
