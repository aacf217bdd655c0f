/**
 * Storm control for the live stream: within a window per tier, the first event of a fingerprint streams
 * as usual, repeats are held back, and the window ends with one summary entry (see summary.ts and
 * README.md for the seq rule). A fingerprint seen once costs one Map entry (recent-set.ts); only one
 * that repeats becomes a run. Memory is bounded by caps on both and on the bytes of held events.
 */
import type { Clock } from '../core/clock.js';
import { TIERS, type StoredEvent, type Tier } from '../core/event.js';
import type { StreamCoalescer } from '../stream/hub.js';
import { fingerprinter } from './fingerprint.js';
import { Holder, LinkedList, type Links } from './linked-list.js';
import { RecentSet } from './recent-set.js';
import type { StormWindows } from './storm-config.js';
import { STORM_EVENT_TYPES, type StormAnnouncer } from './storm-events.js';
import { StormLedger, type Storm, type StormEnd } from './storm-ledger.js';
import { StormStats } from './storm-stats.js';
import { summaryOf } from './summary.js';

export interface StormOptions {
  windows: StormWindows;
  volatile: readonly string[];
  clock: Clock;
  announcer?: StormAnnouncer;
  /** Runs (fingerprints that repeat) tracked at once; past it the oldest is dropped, its repeats summarized first. */
  maxRuns?: number;
  /** Fingerprints seen once remembered per tier and generation; past it the older generation is forgotten. */
  maxRecent?: number;
  /** Bytes of held events kept for summaries; past it the oldest held run is summarized early. */
  maxHeldBytes?: number;
  /** Repeats within one window that make a run a storm (announced, counted as active). */
  stormThreshold?: number;
}

/** One fingerprint's current window; itself the node of its tier's window-order list. */
interface Run extends Links<Run> {
  key: number;
  tier: Tier;
  windowEnd: number;
  held: number;
  firstSeq: number;
  firstTs: number;
  last: StoredEvent | undefined;
  bytes: number;
  storm: Storm | undefined;
  /** Its place among the runs holding repeats (made when it first holds one). */
  holder: Holder<Run> | undefined;
}

export class StormCoalescer implements StreamCoalescer {
  readonly stats = new StormStats();
  readonly storms: StormLedger;
  private readonly runs: Record<Tier, Map<number, Run>> = { critical: new Map(), operational: new Map(), analytical: new Map() };
  /** Per tier, runs in window order (a continuing run moves to the end), so expiry reads from the head. */
  private readonly order: Record<Tier, LinkedList<Run>> = { critical: new LinkedList(), operational: new LinkedList(), analytical: new LinkedList() };
  /** Runs holding repeats, in the order of their first held seq: the head has the lowest held seq. */
  private readonly holding = new LinkedList<Holder<Run>>();
  private readonly recent: Record<Tier, RecentSet>;
  private readonly timers: Partial<Record<Tier, ReturnType<typeof setTimeout>>> = {};
  private readonly fingerprint: (e: StoredEvent) => number;
  private readonly maxRuns: number;
  private readonly maxHeldBytes: number;
  private readonly threshold: number;
  private emit: ((summary: StoredEvent) => void) | undefined;
  private bytesHeld = 0;
  private now = 0;

  constructor(private readonly o: StormOptions) {
    this.fingerprint = fingerprinter(o.volatile);
    this.maxRuns = o.maxRuns ?? 50_000;
    const recent = (t: Tier) => new RecentSet(o.windows[t], o.maxRecent ?? 50_000);
    this.recent = { critical: recent('critical'), operational: recent('operational'), analytical: recent('analytical') };
    this.maxHeldBytes = o.maxHeldBytes ?? 64 << 20;
    this.threshold = o.stormThreshold ?? 10;
    this.storms = new StormLedger(this.stats, (t) => o.windows[t], o.announcer);
  }

  /** Fingerprints tracked: runs plus those seen once in their window. */
  fingerprints(): number {
    let n = 0;
    for (const t of TIERS) n += this.runs[t].size + this.recent[t].size;
    return n;
  }

  runCount(): number {
    return this.runs.critical.size + this.runs.operational.size + this.runs.analytical.size;
  }

  forgotten(): number {
    return this.recent.critical.forgotten + this.recent.operational.forgotten + this.recent.analytical.forgotten;
  }

  heldBytes(): number {
    return this.bytesHeld;
  }

  unannounced(): number {
    return this.o.announcer?.unannounced ?? 0;
  }

  start(emit: (summary: StoredEvent) => void): void {
    this.emit = emit;
  }

  admit(e: StoredEvent, now: number): boolean {
    const window = this.o.windows[e.tier];
    if (window === 0 || STORM_EVENT_TYPES.has(e.type)) return true;
    if (now > this.now) this.now = now;
    const key = this.fingerprint(e);
    const runs = this.runs[e.tier];
    let run = runs.get(key);
    while (run && this.now >= run.windowEnd) {
      // The timer is late: close the past windows first so this event lands in the right one.
      this.send(this.closeWindow(run, true));
      run = runs.get(key);
    }
    if (!run) {
      const recent = this.recent[e.tier];
      const end = recent.openWindow(key, this.now);
      if (end === undefined) {
        recent.add(key, this.now + window, this.now);
        return true;
      }
      run = this.track(e.tier, key, end);
    }
    this.hold(run, e);
    return false;
  }

  /** Lowest seq held back right now: stream resume points must stay below it. */
  heldFloor(): number | undefined {
    return this.holding.head?.value.firstSeq;
  }

  /** Ends every window that is due at `now` (called by the timers; tests call it directly). */
  tick(now = this.o.clock.now()): void {
    if (now > this.now) this.now = now;
    const due: StoredEvent[] = [];
    for (const tier of TIERS) {
      for (;;) {
        const head = this.order[tier].head;
        if (!head || head.windowEnd > this.now) break;
        const summary = this.closeWindow(head, true);
        if (summary) due.push(summary);
      }
      this.schedule(tier);
    }
    // In seq order, so summaries ending in the same tick keep "seq only grows" among themselves.
    due.sort((a, b) => a.seq - b.seq);
    for (const summary of due) this.send(summary);
  }

  /** Stops the timers; open storms are reported ended. Held repeats are not streamed (the store has them). */
  stop(): void {
    for (const tier of TIERS) {
      clearTimeout(this.timers[tier]);
      for (const run of this.runs[tier].values()) if (run.storm) this.endStorm(run, 'shutdown');
      this.runs[tier].clear();
      this.order[tier].clear();
      this.recent[tier].clear();
    }
    this.holding.clear();
    this.bytesHeld = 0;
    this.o.announcer?.flush();
  }

  /** A fingerprint repeats within its first window: from now on it is a run. */
  private track(tier: Tier, key: number, windowEnd: number): Run {
    if (this.runCount() >= this.maxRuns) this.evictOldest(tier);
    const run: Run = {
      key, tier, windowEnd, held: 0, firstSeq: 0, firstTs: 0,
      last: undefined, bytes: 0, storm: undefined, holder: undefined, prev: undefined, next: undefined, list: undefined,
    };
    this.runs[tier].set(key, run);
    const order = this.order[tier];
    order.push(run);
    if (order.size === 1) this.schedule(tier);
    return run;
  }

  private hold(run: Run, e: StoredEvent): void {
    if (run.held++ === 0) {
      run.firstSeq = e.seq;
      run.firstTs = e.ts;
      this.holding.push((run.holder ??= new Holder(run)));
    }
    const bytes = e.data_json?.length ?? 0;
    this.bytesHeld += bytes - run.bytes;
    run.bytes = bytes;
    run.last = e;
    this.stats.coalesced[e.tier]++;
    if (!run.storm && run.held >= this.threshold) run.storm = this.storms.start(run.key, e, { seq: run.firstSeq, ts: run.firstTs, repeats: run.held }, this.now);
    while (this.bytesHeld > this.maxHeldBytes) {
      const oldest = this.holding.head!.value;
      this.stats.evicted.held_bytes_cap++;
      this.send(this.closeWindow(oldest, false));
    }
  }

  private send(summary: StoredEvent | undefined): void {
    if (summary) this.emit?.(summary);
  }

  /**
   * Releases the run's held repeats as a summary (returned, to be sent). With `roll`, a run that held
   * repeats continues into a new window (a storm that goes on yields one summary per window) and a
   * quiet run ends.
   */
  private closeWindow(run: Run, roll: boolean): StoredEvent | undefined {
    const held = run.held;
    let summary: StoredEvent | undefined;
    if (held > 0) {
      summary = summaryOf({ count: held, firstSeq: run.firstSeq, firstTs: run.firstTs, last: run.last! });
      this.holding.remove(run.holder!);
      this.bytesHeld -= run.bytes;
      run.held = run.bytes = 0;
      run.last = undefined;
      if (run.storm) {
        run.storm.coalesced += held;
        run.storm.summaries++;
      }
      this.stats.summaries[run.tier]++;
    }
    // Released before the summary is sent, so its frame may carry its own seq as a resume point.
    if (!roll) return summary;
    if (held > 0) {
      // Windows follow each other from the run's start, whenever the timer fires: one summary per window.
      run.windowEnd += this.o.windows[run.tier];
      this.order[run.tier].push(run);
    } else {
      this.forget(run);
      if (run.storm) this.endStorm(run, 'quiet');
    }
    return summary;
  }

  private forget(run: Run): void {
    this.runs[run.tier].delete(run.key);
    this.order[run.tier].remove(run);
  }

  /** Makes room: drops the oldest run of this tier (or of the fullest tier), summarizing it first. */
  private evictOldest(tier: Tier): void {
    let order = this.order[tier];
    if (order.size === 0) for (const t of TIERS) if (this.order[t].size > order.size) order = this.order[t];
    const oldest = order.head;
    if (!oldest) return;
    this.stats.evicted.run_cap++;
    const summary = this.closeWindow(oldest, false);
    this.forget(oldest);
    if (oldest.storm) this.endStorm(oldest, 'evicted');
    this.send(summary);
  }

  private endStorm(run: Run, reason: StormEnd): void {
    this.storms.end(run.storm!, run.held, reason, this.now);
    run.storm = undefined;
  }

  private schedule(tier: Tier): void {
    clearTimeout(this.timers[tier]);
    this.timers[tier] = undefined;
    const head = this.order[tier].head;
    if (!head) return;
    const t = setTimeout(() => this.tick(), Math.max(0, head.windowEnd - this.o.clock.now()));
    t.unref?.();
    this.timers[tier] = t;
  }
}
