/**
 * Deletes events older than their tier's retention, in small chunks with a yield between them so
 * ingest never waits long on the write lock. Never removes an event a module still needs (floor).
 */
import { TIERS, type Tier } from '../../core/event.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { SqliteEventLog } from './sqlite-event-log.js';

export interface SweeperOptions {
  log: SqliteEventLog;
  clock: Clock;
  logger: Logger;
  retention: Record<Tier, number>;
  /** Highest seq that may be deleted (the archiver's watermark; the last seq when nothing archives). */
  floor: () => number;
  intervalMs?: number;
}

export class RetentionSweeper {
  swept = 0;
  constructor(private readonly o: SweeperOptions) {}

  /** One pass over every tier; resolves when nothing more is due. */
  async sweepOnce(): Promise<number> {
    let total = 0;
    const now = this.o.clock.now();
    for (const tier of TIERS) {
      const cutoff = now - this.o.retention[tier];
      for (;;) {
        const { deleted, more } = this.o.log.sweep(tier, cutoff, this.o.floor());
        total += deleted;
        if (!more) break;
        await new Promise((r) => setImmediate(r));
      }
    }
    this.swept += total;
    return total;
  }

  async run(signal: AbortSignal): Promise<void> {
    const interval = this.o.intervalMs ?? 60_000;
    while (!signal.aborted) {
      try {
        const n = await this.sweepOnce();
        if (n) this.o.logger.debug('retention sweep', { deleted: n });
      } catch (err) {
        this.o.logger.warn('retention sweep failed; will retry', { err });
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, interval);
        signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
    }
  }
}
