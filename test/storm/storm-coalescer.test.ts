import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { StormAnnouncer } from '../../src/storm/storm-events.js';
import { ev, recorded, T0, type Recorded } from './helpers.js';

const err = (i: number, over: Parameters<typeof ev>[0] = {}) => ev({ data: { message: 'connection refused', request_id: `r${i}` }, ...over });

describe('StormCoalescer', () => {
  let r: Recorded;
  afterEach(() => r.c.stop());

  it('streams the first event, holds repeats, and ends the window with one summary of the last', () => {
    r = recorded();
    const first = err(0);
    expect(r.c.admit(first, r.clock.t)).toBe(true);
    const repeats = [1, 2, 3].map((i) => err(i));
    for (const e of repeats) {
      r.clock.t += 100;
      expect(r.c.admit(e, r.clock.t)).toBe(false);
    }
    r.c.tick(T0 + 999);
    expect(r.summaries).toHaveLength(0);
    r.c.tick(T0 + 1000);
    expect(r.summaries).toHaveLength(1);
    const last = repeats[2];
    const { e, wire } = r.summaries[0];
    // The summary IS the last held event: its own seq and id, plus the run's count and bounds.
    expect(e.seq).toBe(last.seq);
    expect(wire).toMatchObject({
      seq: last.seq,
      id: last.id,
      type: 'agent.error',
      data: { message: 'connection refused', request_id: 'r3' },
      repeat_count: 3,
      first_seq: repeats[0].seq,
      first_ts: new Date(repeats[0].ts).toISOString(),
      last_ts: new Date(last.ts).toISOString(),
    });
    expect(last.wire).toBeUndefined(); // the stored event object is not touched
    expect(r.c.stats.coalesced.critical).toBe(3);
    expect(r.c.stats.summaries.critical).toBe(1);
  });

  it('never holds back a distinct event because of someone else\'s storm', () => {
    r = recorded();
    r.c.admit(err(0), r.clock.t);
    for (let i = 1; i < 50; i++) {
      expect(r.c.admit(err(i), r.clock.t)).toBe(false);
      expect(r.c.admit(err(i, { agent_id: 'other', data: { message: `other ${i}` } }), r.clock.t)).toBe(true);
    }
    expect(r.c.admit(err(99, { type: 'tool.failed' }), r.clock.t)).toBe(true);
  });

  it('a storm that goes on yields one summary per window; a quiet window ends it', () => {
    r = recorded();
    let n = 0;
    expect(r.c.admit(err(n++), r.clock.t)).toBe(true);
    for (let ms = 10; ms < 3500; ms += 10) {
      r.clock.t = T0 + ms;
      r.c.tick(r.clock.t);
      expect(r.c.admit(err(n++), r.clock.t)).toBe(false);
    }
    const at = (ms: number) => r.c.tick((r.clock.t = T0 + ms));
    at(3500);
    expect(r.summaries.map((s) => s.at - T0)).toEqual([1000, 2000, 3000]);
    at(4000); // the window [3000, 4000) ends with the rest
    expect(r.summaries.map((s) => s.at - T0)).toEqual([1000, 2000, 3000, 4000]);
    expect(1 + r.summaries.reduce((a, s) => a + (s.wire.repeat_count as number), 0)).toBe(n);
    at(5000); // a window without repeats: the run ends
    expect(r.c.runCount()).toBe(0);
    expect(r.c.admit(err(n), T0 + 5001)).toBe(true); // streams as a new first event
  });

  it('closes an overdue window itself when a repeat arrives before the timer', () => {
    r = recorded();
    r.c.admit(err(0), T0);
    r.c.admit(err(1), T0 + 10);
    expect(r.c.admit(err(2), T0 + 1500)).toBe(false); // the earlier window's summary goes first
    expect(r.summaries.map((s) => s.wire.repeat_count)).toEqual([1]);
  });

  it('uses per-tier windows and lets tiers that are off through untouched', () => {
    r = recorded({ windows: { critical: 200, operational: 1000, analytical: 0 } });
    r.c.admit(err(0), T0);
    r.c.admit(err(1), T0);
    r.c.admit(ev({ tier: 'operational', type: 'tool.call' }), T0);
    r.c.admit(ev({ tier: 'operational', type: 'tool.call' }), T0);
    for (let i = 0; i < 5; i++) expect(r.c.admit(ev({ tier: 'analytical', type: 'memory.formed' }), T0)).toBe(true);
    r.c.tick(T0 + 200);
    expect(r.summaries.map((s) => s.e.tier)).toEqual(['critical']);
    r.c.tick(T0 + 1000);
    expect(r.summaries.map((s) => s.e.tier)).toEqual(['critical', 'operational']);
  });

  it('reports the lowest held seq as the floor for resume points', () => {
    r = recorded();
    r.c.admit(err(0), T0);
    expect(r.c.heldFloor()).toBeUndefined();
    const a = err(1);
    r.c.admit(a, T0);
    r.c.admit(ev({ agent_id: 'b' }), T0 + 500);
    r.c.admit(ev({ agent_id: 'b' }), T0 + 500);
    r.c.admit(err(2), T0 + 600);
    expect(r.c.heldFloor()).toBe(a.seq);
    r.c.tick(T0 + 1000); // a's window ends; b's runs to 1500
    expect(r.c.heldFloor()).toBe(a.seq + 2);
    r.c.tick(T0 + 1500);
    expect(r.c.heldFloor()).toBeUndefined();
  });

  it('sends the summaries of one tick in seq order', () => {
    r = recorded();
    const agents = ['a', 'b', 'c', 'd'];
    for (const agent_id of agents) r.c.admit(ev({ agent_id }), T0);
    for (const agent_id of [...agents].reverse()) r.c.admit(ev({ agent_id }), T0 + 1);
    r.c.tick(T0 + 2000);
    const seqs = r.summaries.map((s) => s.e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('at the run cap drops the oldest run, summarizing its held repeats first; counts stay exact', () => {
    r = recorded({ maxRuns: 2 });
    for (const agent_id of ['a', 'b', 'a', 'b']) r.c.admit(ev({ agent_id }), T0);
    expect(r.c.runCount()).toBe(2);
    expect(r.c.admit(ev({ agent_id: 'c' }), T0 + 1)).toBe(true); // seen once: no run yet
    expect(r.c.admit(ev({ agent_id: 'c' }), T0 + 2)).toBe(false); // c repeats: a's run makes room
    expect(r.summaries.map((s) => [s.e.agent_id, s.wire.repeat_count])).toEqual([['a', 1]]);
    expect(r.c.runCount()).toBe(2);
    expect(r.c.stats.evicted.run_cap).toBe(1);
    // a is still within its first window, so its next repeat is held again (b's run makes room).
    expect(r.c.admit(ev({ agent_id: 'a' }), T0 + 3)).toBe(false);
    r.c.tick(T0 + 5000);
    expect(r.summaries.map((s) => [s.e.agent_id, s.wire.repeat_count])).toEqual([['a', 1], ['b', 1], ['c', 1], ['a', 1]]);
  });

  it('past the cap of fingerprints seen once, the older generation is forgotten: its repeats stream', () => {
    r = recorded({ maxRecent: 2 });
    for (const agent_id of ['a', 'b', 'c', 'd', 'e']) expect(r.c.admit(ev({ agent_id }), T0)).toBe(true);
    expect(r.c.forgotten()).toBe(2); // a and b went when e arrived
    expect(r.c.admit(ev({ agent_id: 'a' }), T0 + 1)).toBe(true);
    expect(r.c.admit(ev({ agent_id: 'd' }), T0 + 1)).toBe(false);
    expect(r.c.fingerprints()).toBeLessThanOrEqual(5);
  });

  it('past the held-bytes cap summarizes the oldest holding run early', () => {
    r = recorded({ maxHeldBytes: 1000 });
    const big = (agent_id: string) => ev({ agent_id, data: { blob: 'x'.repeat(600) } });
    r.c.admit(big('a'), T0);
    r.c.admit(big('a'), T0);
    r.c.admit(big('b'), T0);
    expect(r.summaries).toHaveLength(0);
    r.c.admit(big('b'), T0); // 1,200 bytes held: a's run goes out now
    expect(r.summaries.map((s) => s.e.agent_id)).toEqual(['a']);
    expect(r.c.heldBytes()).toBeLessThanOrEqual(1000);
  });

  it('announces storms (critical for a critical storm), never coalesces its own events, and rate-limits starts', async () => {
    const ingested: { project: string; value: Record<string, unknown> }[] = [];
    const announcer = new StormAnnouncer(async (project, items) => {
      for (const it of items) ingested.push({ project, value: it.value as Record<string, unknown> });
    }, silentLogger, T0);
    r = recorded({ announcer, stormThreshold: 3 });
    r.c.admit(err(0), T0);
    for (let i = 1; i <= 2; i++) r.c.admit(err(i), T0);
    expect(r.c.stats.active.critical).toBe(0);
    r.c.admit(err(3), T0 + 5);
    expect(r.c.stats.active.critical).toBe(1);
    expect(r.c.storms.list()).toMatchObject([{ project: 'default', tier: 'critical', type: 'agent.error', agent_id: 'looper', coalesced: 0 }]);
    announcer.flush();
    await Promise.resolve();
    expect(ingested).toHaveLength(1);
    const started = ingested[0].value;
    expect(started).toMatchObject({ type: 'storm.started', tier: 'critical', agent_id: 'looper', data: { event_type: 'agent.error', event_tier: 'critical', repeats: 3, window_ms: 1000 } });
    // The announcement comes back through the hub like any event: it must pass, however many there are.
    for (let i = 0; i < 20; i++) expect(r.c.admit(ev({ type: 'storm.started', agent_id: 'looper', data: started.data }), T0 + 6)).toBe(true);
    r.c.tick(T0 + 1000);
    r.c.tick(T0 + 2000); // quiet window: the storm is over
    expect(r.c.stats.active.critical).toBe(0);
    announcer.flush();
    await Promise.resolve();
    expect(ingested[1].value).toMatchObject({ type: 'storm.ended', tier: 'operational', data: { storm_id: (started.data as { storm_id: string }).storm_id, coalesced: 3, summaries: 1, reason: 'quiet' } });
    // Many storms at once: the starts beyond the cap are not announced (nor their ends), but counted.
    for (let k = 0; k < 40; k++) for (let i = 0; i < 4; i++) r.c.admit(ev({ agent_id: `burst-${k}` }), T0 + 2001);
    expect(r.c.stats.active.critical).toBe(40);
    expect(r.c.unannounced()).toBe(20);
  });

  it('stop() reports open storms as ended and forgets everything', async () => {
    const ingested: Record<string, unknown>[] = [];
    const announcer = new StormAnnouncer(async (_p, items) => void ingested.push(...items.map((i) => i.value as Record<string, unknown>)), silentLogger, T0);
    r = recorded({ announcer, stormThreshold: 2 });
    for (let i = 0; i < 5; i++) r.c.admit(err(i), T0);
    r.c.stop();
    await Promise.resolve();
    expect(ingested.map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([['storm.started', undefined], ['storm.ended', 'shutdown']]);
    expect(r.c.fingerprints()).toBe(0);
    expect(r.c.heldFloor()).toBeUndefined();
  });
});
