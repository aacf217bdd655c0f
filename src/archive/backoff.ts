/** Waiting helpers for background loops: abortable sleeps and full-jitter exponential backoff. */

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when the signal aborts (never otherwise): for racing a job against a shutdown. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Lets other work (ingest, stream fan-out) run between chunks of a long job. */
export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random wait between 0 and
 * min(maxMs, baseMs·2^attempt), so many retrying writers spread out instead of hammering a store
 * that just came back.
 */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 60_000, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(baseMs / 4, Math.floor(random() * ceiling));
}
