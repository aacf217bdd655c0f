/** Shared helpers for storm-control tests: events, a settable clock, a coalescer that records summaries. */
import type { StoredEvent, Tier } from '../../src/core/event.js';
import { StormCoalescer, type StormOptions } from '../../src/storm/storm-coalescer.js';

export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

let seq = 0;

/** A stored event with the next seq; `data` is serialized the way ingest does (JSON.stringify). */
export function ev(over: Partial<Omit<StoredEvent, 'data_json'>> & { data?: unknown } = {}): StoredEvent {
  const { data, ...rest } = over;
  const tier: Tier = rest.tier ?? 'critical';
  return {
    seq: ++seq,
    id: `e${seq}`,
    ts: T0 + seq,
    received_at: T0 + seq,
    project: 'default',
    type: 'agent.error',
    agent_id: 'looper',
    ...rest,
    tier,
    ...(data !== undefined && { data_json: JSON.stringify(data) }),
  };
}

export interface Recorded {
  c: StormCoalescer;
  clock: { t: number; now(): number };
  summaries: { at: number; e: StoredEvent; wire: Record<string, unknown> }[];
}

/** A coalescer on a clock the test moves by hand (`clock.t`), recording every summary it emits. */
export function recorded(over: Partial<StormOptions> = {}): Recorded {
  const clock = { t: T0, now: () => clock.t };
  const c = new StormCoalescer({ windows: { critical: 1000, operational: 1000, analytical: 1000 }, volatile: ['ts', 'timestamp', 'id', 'request_id', 'duration_ms'], clock, ...over });
  const summaries: Recorded['summaries'] = [];
  c.start((e) => summaries.push({ at: clock.t, e, wire: JSON.parse(e.wire!) as Record<string, unknown> }));
  return { c, clock, summaries };
}
