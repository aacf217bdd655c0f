/** Reconnect delays with "full jitter", so a restarted server is not hit by every page at once. */

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/**
 * The delay before reconnect attempt `attempt` (0 = first retry): uniform in
 * [0, min(cap, base·2^attempt)], never below 100 ms so a failing server is not spun on.
 */
export function jitteredDelay(attempt: number, o: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.min(attempt, 20));
  return Math.max(100, Math.round(random() * ceiling));
}
