/**
 * Batches work into animation frames: items queue up as they arrive and are handed over once per
 * frame, so the DOM is touched at most ~60 times a second however fast frames come. When the tab is
 * hidden (no animation frames) it falls back to a slow timer, and the queue keeps only the newest
 * `maxQueued` items so memory stays bounded.
 */

export class FramePump<T> {
  private queue: T[] = [];
  private scheduled = false;
  /** Items dropped from the queue while the page could not keep up (never shown). */
  skipped = 0;

  constructor(
    private readonly consume: (items: T[]) => void,
    private readonly maxQueued = 20_000,
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
      const items = this.queue;
      this.queue = [];
      this.consume(items);
    };
    if (document.hidden) setTimeout(run, 250);
    else requestAnimationFrame(run);
  }
}
