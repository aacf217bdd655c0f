/**
 * `storm.started` / `storm.ended` system events. They are ingested like any event (stored, archived,
 * streamed), but never from inside the hub's publish call: the log calls its listeners synchronously,
 * so appending from there would reorder batches for the other listeners. They go out on the next tick.
 */
import type { Logger } from '../core/log.js';
import type { Tier } from '../core/event.js';
import { TokenBucket } from '../stream/token-bucket.js';

/** Never coalesced (see StormCoalescer.admit), so reporting a storm cannot feed one. */
export const STORM_EVENT_TYPES: ReadonlySet<string> = new Set(['storm.started', 'storm.ended']);
/** Storm starts announced per second across all projects; beyond it storms are still coalesced and counted. */
const STARTS_PER_SECOND = 20;

export type IngestFn = (project: string, items: { value: unknown }[]) => Promise<unknown>;

export interface StormFacts {
  stormId: string;
  fingerprint: string;
  project: string;
  tier: Tier;
  type: string;
  agentId: string | undefined;
  sessionId: string | undefined;
}

export class StormAnnouncer {
  private readonly queue = new Map<string, { value: unknown }[]>();
  private scheduled: ReturnType<typeof setTimeout> | undefined;
  private readonly starts: TokenBucket;
  private failures = 0;
  /** Starts not announced because of the rate cap (their end is not announced either). */
  unannounced = 0;

  constructor(
    private readonly ingest: IngestFn,
    private readonly logger: Logger,
    now: number,
  ) {
    this.starts = new TokenBucket(STARTS_PER_SECOND, STARTS_PER_SECOND, now);
  }

  /** Queues `storm.started`; false when over the rate cap (then call nothing for its end). */
  started(s: StormFacts, data: Record<string, unknown>, now: number): boolean {
    if (!this.starts.take(1, now)) {
      this.unannounced++;
      return false;
    }
    // A critical storm is itself critical news; others are operational.
    this.push(s, 'started', s.tier === 'critical' ? 'critical' : 'operational', data);
    return true;
  }

  ended(s: StormFacts, data: Record<string, unknown>): void {
    this.push(s, 'ended', 'operational', data);
  }

  private push(s: StormFacts, what: 'started' | 'ended', tier: Tier, data: Record<string, unknown>): void {
    const value = {
      id: `storm:${s.stormId}:${what}`,
      type: `storm.${what}`,
      tier,
      ...(s.agentId !== undefined && { agent_id: s.agentId }),
      ...(s.sessionId !== undefined && { session_id: s.sessionId }),
      data: { storm_id: s.stormId, fingerprint: s.fingerprint, event_type: s.type, event_tier: s.tier, ...data },
    };
    let list = this.queue.get(s.project);
    if (!list) this.queue.set(s.project, (list = []));
    list.push({ value });
    this.scheduled ??= setTimeout(() => this.flush(), 0);
  }

  /** Ingests everything queued (one request per project). */
  flush(): void {
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    for (const [project, items] of this.queue) {
      this.ingest(project, items).catch((err: unknown) => {
        // Shed (429) or store down: the storm is still coalesced and counted in the metrics.
        if (this.failures++ % 100 === 0) this.logger.warn('could not record storm events', { err, project, dropped: items.length });
      });
    }
    this.queue.clear();
  }

  stop(): void {
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    this.queue.clear();
  }
}
