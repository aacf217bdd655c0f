/**
 * Which runs are storms: a run becomes one when it holds `threshold` repeats in a window. The ledger
 * counts them for the metrics, announces starts and ends (storm-events.ts) and lists the open ones.
 */
import type { StoredEvent, Tier } from '../core/event.js';
import type { StormAnnouncer, StormFacts } from './storm-events.js';
import type { StormStats } from './storm-stats.js';

export interface Storm extends StormFacts {
  startedAt: number;
  /** Repeats already sent in summaries. */
  coalesced: number;
  summaries: number;
  announced: boolean;
}

export type StormEnd = 'quiet' | 'evicted' | 'shutdown';

export class StormLedger {
  private readonly open = new Set<Storm>();

  constructor(
    private readonly stats: StormStats,
    private readonly windowOf: (tier: Tier) => number,
    private readonly announcer: StormAnnouncer | undefined,
  ) {}

  /** `e` is the repeat that crossed the threshold; `key` the run's fingerprint. */
  start(key: number, e: StoredEvent, first: { seq: number; ts: number; repeats: number }, now: number): Storm {
    const fingerprint = key.toString(16).padStart(14, '0');
    const storm: Storm = {
      stormId: `${fingerprint}-${first.seq}`,
      fingerprint,
      project: e.project,
      tier: e.tier,
      type: e.type,
      agentId: e.agent_id,
      sessionId: e.session_id,
      startedAt: now,
      coalesced: 0,
      summaries: 0,
      announced: false,
    };
    this.open.add(storm);
    this.stats.active[e.tier]++;
    const window_ms = this.windowOf(e.tier);
    storm.announced = this.announcer?.started(storm, { first_seq: first.seq, first_ts: new Date(first.ts).toISOString(), window_ms, repeats: first.repeats }, now) ?? false;
    return storm;
  }

  /** `held`: repeats still held (never summarized, e.g. at shutdown) that count towards the total. */
  end(storm: Storm, held: number, reason: StormEnd, now: number): void {
    if (!this.open.delete(storm)) return;
    this.stats.active[storm.tier]--;
    if (!storm.announced) return;
    const data = { started_at: new Date(storm.startedAt).toISOString(), duration_ms: now - storm.startedAt, coalesced: storm.coalesced + held, summaries: storm.summaries, reason };
    this.announcer?.ended(storm, data);
  }

  /** Open storms, oldest first (for operators and the UI). */
  list(): { storm_id: string; project: string; tier: Tier; type: string; agent_id?: string; started_at: number; coalesced: number }[] {
    return [...this.open].map((s) => ({ storm_id: s.stormId, project: s.project, tier: s.tier, type: s.type, agent_id: s.agentId, started_at: s.startedAt, coalesced: s.coalesced }));
  }
}
