/**
 * Batches work into animation frames: items queue up as they arrive and are handed over in one
 * animation frame at most every `minIntervalMs`, so the DOM is touched a bounded number of times a
 * second however fast frames come (a feed nobody can read at 60 updates a second needs ~10). When
 * the tab is hidden (no animation frames) it falls back to a slow timer, and the queue keeps only the
 * newest `maxQueued` items so memory stays bounded.
 */

export class FramePump<T> {
  private queue: T[] = [];
  private scheduled = false;
  /** Items dropped from the queue while the page could not keep up (never shown). */
  skipped = 0;

  private lastRun = 0;

  constructor(
    private readonly consume: (items: T[]) => void,
    private readonly maxQueued = 20_000,
    private readonly minIntervalMs = 0,
  ) {}

  push(items: readonly T[]): void {
    for (const x of items) this.queue.push(x);
    if (this.queue.length > this.maxQueued * 1.5) {
      const drop = this.queue.length - this.maxQueued;
      this.queue.splice(0, drop);
      this.skipped += drop;
    }
    this.schedule();
  }

  /** Asks for a run even with nothing queued (e.g. a filter changed). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.lastRun = performance.now();
      const items = this.queue;
      this.queue = [];
      this.consume(items);
    };
    if (document.hidden) {
      setTimeout(run, 250);
      return;
    }
    const wait = this.lastRun + this.minIntervalMs - performance.now();
    if (wait > 4) setTimeout(() => requestAnimationFrame(run), wait);
    else requestAnimationFrame(run);
  }
}
