/**
 * Retention for the event stream. JetStream has one max age per stream, so the purger removes the
 * stream's head up to the first event some tier must still keep (the earliest of each tier's first
 * event younger than its retention) — and never past the archived watermark, so nothing leaves the
 * stream before it is in the archive. An event is never removed early; one may stay up to the
 * longest tier retention. (Purging per tier subject would be tighter, but NATS 2.9 moves every
 * consumer past a filtered purge's sequence, so consumers would skip other tiers' events.)
 */
import { AckPolicy, DeliverPolicy, nanos, type JetStreamManager, type NatsConnection } from 'nats';
import { TIERS, type Tier } from '../core/event.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { tierFilter } from './names.js';
import { pullBatch } from './pull-batch.js';

export interface PurgerOptions {
  jsm: JetStreamManager;
  nc: NatsConnection;
  stream: string;
  retention: Record<Tier, number>;
  /** Highest seq that may be removed (the archived watermark; Infinity when nothing archives). */
  floor: () => number;
  clock: Clock;
  logger: Logger;
  /** Told the first seq kept after each purge. */
  onPurged?: (keptFrom: number) => void;
}

export class RetentionPurger {
  purged = 0;
  constructor(private readonly o: PurgerOptions) {}

  /** One pass over every tier; returns how many events were removed. */
  async purgeOnce(): Promise<number> {
    const now = this.o.clock.now();
    const { state } = await this.o.jsm.streams.info(this.o.stream);
    if (state.messages === 0) return 0;
    let keepFrom = Infinity;
    for (const tier of TIERS) keepFrom = Math.min(keepFrom, await this.firstSeqSince(tier, now - this.o.retention[tier]));
    // Never past the last message seen before: NATS 2.9 handles a purge beyond the stream's end as
    // "purge everything", and raced with appends that lost messages stored meanwhile.
    const upTo = Math.min(keepFrom, this.o.floor() + 1, state.last_seq);
    if (!(upTo > state.first_seq)) return 0;
    // Removes every message with seq < upTo (unfiltered: consumers past it are untouched).
    const total = (await this.o.jsm.streams.purge(this.o.stream, { seq: upTo })).purged;
    this.o.onPurged?.(upTo);
    this.purged += total;
    if (total) this.o.logger.debug('cluster retention purge', { purged: total });
    return total;
  }

  /** Seq of the tier's first message stored at or after `since`; the stream's next seq when none. */
  private async firstSeqSince(tier: Tier, since: number): Promise<number> {
    const { jsm, nc, stream } = this.o;
    // Read before the consumer exists: a message stored meanwhile has a higher seq and is kept.
    const lastBefore = (await jsm.streams.info(stream)).state.last_seq;
    const ci = await jsm.consumers.add(stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Math.max(0, since)).toISOString(),
      filter_subject: tierFilter(stream, tier),
      mem_storage: true,
      num_replicas: 1,
      inactive_threshold: nanos(30_000),
    });
    try {
      if (ci.num_pending === 0) return lastBefore + 1;
      for (let attempt = 0; attempt < 5; attempt++) {
        const [m] = (await pullBatch(nc, stream, ci.name, 1)).messages;
        if (m) return m.seq;
        await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
      }
      throw new Error(`no answer reading the ${tier} tier`);
    } finally {
      void jsm.consumers.delete(stream, ci.name).catch(() => {});
    }
  }

  async run(signal: AbortSignal, intervalMs = 60_000): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.purgeOnce();
      } catch (err) {
        this.o.logger.debug('cluster retention purge failed; will retry', { err });
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, intervalMs);
        t.unref?.();
        signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
    }
  }
}
