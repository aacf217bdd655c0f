/**
 * What keeps the dashboard state up to date with the log, as the rest of the module sees it: how far
 * it got, what changed, and its retention. Two ways to run it — on the event loop (InProcessFeed) or
 * on a thread of its own (thread/thread-feed.ts) — with the same writer, follower and retention code.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Tier } from '../core/event.js';
import type { SqliteDatabase } from '../runtime/types.js';
import type { HandoffIndex } from './handoff-index.js';
import { LogFollower, type FollowedLog } from './log-follower.js';
import { StateRetention } from './state-retention.js';
import { StateWriter, type DashboardName } from './state-writer.js';

export interface StateFeed {
  /** Last seq whose effects are committed in every part of the state (the store's retention floor). */
  readonly watermark: number;
  /** Events applied since start, and failed state transactions (retried from the log). */
  readonly applied: number;
  readonly failures: number;
  /** Projects whose dashboards changed since the live publisher last looked (it clears them). */
  readonly dirty: Record<DashboardName, Set<string>>;
  /** Where the state runs now: 'thread', or 'event-loop'. */
  readonly where: 'thread' | 'event-loop';
  start(): void;
  /** Runs retention until the signal aborts, then writes what is folded and stops. */
  run(signal: AbortSignal): Promise<void>;
  /** One retention pass now; how many rows it deleted. */
  sweepOnce(): Promise<number>;
}

export interface InProcessFeedOptions {
  db: SqliteDatabase;
  log: FollowedLog;
  logger: Logger;
  clock: Clock;
  retention: Record<Tier, number>;
  handoffs: HandoffIndex;
}

/** The state written on the event loop, through the store's connection. */
export class InProcessFeed implements StateFeed {
  readonly where = 'event-loop';
  readonly writer: StateWriter;
  readonly follower: LogFollower;
  readonly retention: StateRetention;

  constructor(o: InProcessFeedOptions) {
    this.writer = new StateWriter(o.db, o.retention, o.handoffs);
    this.follower = new LogFollower({ db: o.db, log: o.log, logger: o.logger, sink: this.writer });
    this.retention = new StateRetention(o.db, o.clock, o.logger, o.retention);
  }

  get watermark(): number {
    return this.follower.watermark;
  }

  get applied(): number {
    return this.follower.applied;
  }

  get failures(): number {
    return this.follower.failures;
  }

  get dirty(): Record<DashboardName, Set<string>> {
    return this.writer.dirty;
  }

  start(): void {
    this.follower.start();
  }

  async run(signal: AbortSignal): Promise<void> {
    await this.retention.run(signal);
    await this.follower.stop();
  }

  sweepOnce(): Promise<number> {
    return this.retention.sweepOnce();
  }
}
