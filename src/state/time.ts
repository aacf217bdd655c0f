/** Hour buckets (epoch ms, UTC) and the RFC 3339 form responses use. */
export const HOUR_MS = 3_600_000;

export function hourOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

export function iso(ts: number): string {
  return new Date(ts).toISOString();
}
