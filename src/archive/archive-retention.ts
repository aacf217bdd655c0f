/**
 * Enforces `--archive-retention` (e.g. critical=90d,analytical=7d): deletes whole `hour=` partitions
 * whose hour ended more than the tier's window ago. Bucket lifecycle rules work in whole days only,
 * so the app does the hour-level work; `auren archive lifecycle` installs rules as a backstop.
 * Keys sort by time within a tier, so a pass lists only the expired objects plus one page.
 */
import type { Clock } from '../core/clock.js';
import { TIERS, type Tier } from '../core/event.js';
import type { Logger } from '../core/log.js';
import { sleep } from './backoff.js';
import { HOUR_MS, parseKey } from './key-layout.js';
import type { ObjectTarget } from './object-target.js';

export interface RetentionOptions {
  target: ObjectTarget;
  retention: Partial<Record<Tier, number>>;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  onDeleted?: (count: number) => void;
}

const DELETE_BATCH = 1000;

/** One pass: deletes every expired object of every tier with a window. Returns how many. */
export async function sweepArchive(o: Pick<RetentionOptions, 'target' | 'retention' | 'clock'>): Promise<number> {
  let deleted = 0;
  for (const tier of TIERS) {
    const window = o.retention[tier];
    if (window === undefined) continue;
    const cutoff = o.clock.now() - window;
    let batch: string[] = [];
    for await (const obj of o.target.list(`tier=${tier}/`)) {
      const k = parseKey(obj.key);
      if (!k) continue; // not ours: never touched
      if (k.hourStart + HOUR_MS > cutoff) break; // this hour and every later one are kept
      batch.push(obj.key);
      if (batch.length >= DELETE_BATCH) {
        await o.target.delete(batch);
        deleted += batch.length;
        batch = [];
      }
    }
    if (batch.length) {
      await o.target.delete(batch);
      deleted += batch.length;
    }
  }
  return deleted;
}

/** Sweeps at start and then every interval (default 10 min) until the signal aborts. */
export async function runArchiveRetention(o: RetentionOptions, signal: AbortSignal): Promise<void> {
  if (!Object.values(o.retention).some((v) => v !== undefined)) return;
  while (!signal.aborted) {
    try {
      const n = await sweepArchive(o);
      if (n) {
        o.onDeleted?.(n);
        o.logger.info('archive retention: deleted expired objects', { deleted: n, target: o.target.uri });
      }
    } catch (err) {
      o.logger.warn('archive retention sweep failed; will retry', { err, target: o.target.uri });
    }
    await sleep(o.intervalMs ?? 600_000, signal);
  }
}
