import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';
import { connectSse } from '../helpers/sse-client.js';
import { connectStream, postEvents, type Collected } from '../helpers/ws-client.js';

type Wire = Record<string, unknown> & { seq: number; agent_id?: string; type: string; repeat_count?: number; first_seq?: number };

/** Each events frame with its position, flattened: [frame index, event]. */
const entries = (c: Collected) =>
  c.frames.flatMap((f, i) => (f.type === 'events' ? (f.events as Wire[]).map((e) => ({ i, e, size: (f.events as Wire[]).length })) : []));
/** How many events the entries stand for: 1 each, or repeat_count for a summary. */
const standFor = (list: { e: Wire }[]) => list.reduce((n, x) => n + (x.e.repeat_count ?? 1), 0);

async function post(url: string, lines: object[]): Promise<void> {
  const r = await postEvents(url, lines.map((l) => JSON.stringify(l)).join('\n'));
  expect(r.status).toBe(202);
  expect(r.json.accepted).toBe(lines.length);
}

describe('storm control on the live stream (real server, HTTP in, WebSocket and SSE out)', () => {
  const s = useTestServer();

  it('10,000 identical errors reach a critical client as a handful of entries adding up to exactly 10,000', async () => {
    const live = await connectStream(s.url, 'tiers=critical');
    const storms = await connectStream(s.url, 'types=storm.*');
    const looper = (i: number) => ({ type: 'agent.error', agent_id: 'looper', data: { message: 'database connection refused', request_id: `req-${i}`, duration_ms: i % 50 } });
    const started = Date.now();
    for (let b = 0; b < 20; b++) {
      await post(s.url, [...Array.from({ length: 500 }, (_, i) => looper(b * 500 + i)), { type: 'agent.error', agent_id: 'other', data: { message: `disk full on volume ${b}` } }]);
    }
    const postMs = Date.now() - started;
    const loop = () => entries(live).filter((x) => x.e.agent_id === 'looper' && x.e.type === 'agent.error');
    await live.until(() => standFor(loop()) >= 10_000, 20_000);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may come
    const mine = loop();
    expect(standFor(mine)).toBe(10_000);
    // The first streams as usual; then at most one summary per 1 s window while the posts went on.
    expect(mine[0].e.repeat_count).toBeUndefined();
    expect(mine.slice(1).every((x) => (x.e.repeat_count ?? 0) > 0 && x.size === 1)).toBe(true);
    expect(mine.length).toBeLessThanOrEqual(2 + Math.ceil(postMs / 1000));
    // (A pause of a whole window between two posts on a very busy machine would start a second run.)
    const coalesced = 10_000 - mine.filter((x) => x.e.repeat_count === undefined).length;
    expect(coalesced).toBeGreaterThanOrEqual(9_990);

    // The other agent's errors arrive one by one, never held back to the end of the looper's window.
    const other = entries(live).filter((x) => x.e.agent_id === 'other' && x.e.type === 'agent.error');
    expect(other).toHaveLength(20);
    expect(other.every((x) => x.e.repeat_count === undefined)).toBe(true);
    for (const o of other) {
      for (const sum of mine.slice(1)) {
        if (!(sum.e.first_seq! < o.e.seq && o.e.seq < sum.e.seq)) continue;
        expect(o.i).toBeLessThan(sum.i);
        // Its frame's resume point stays below the repeats still held back at that moment.
        expect(live.frames[o.i].resume as number).toBeLessThan(sum.e.first_seq!);
      }
    }
    // Plain entries keep "within a tier, seq only grows"; a summary carries the seq of its last event.
    const plain = entries(live).filter((x) => x.e.repeat_count === undefined).map((x) => x.e.seq);
    expect(plain).toEqual([...plain].sort((a, b) => a - b));

    // Operators hear about it: storm.started (critical, so critical clients see it) then storm.ended.
    const startedEvt = entries(live).find((x) => x.e.type === 'storm.started')!.e;
    expect(startedEvt).toMatchObject({ tier: 'critical', agent_id: 'looper', data: { event_type: 'agent.error', event_tier: 'critical' } });
    const endings = () => entries(storms).filter((x) => x.e.type === 'storm.ended').map((x) => x.e as Wire & { data: { coalesced: number } });
    const startings = () => entries(storms).filter((x) => x.e.type === 'storm.started');
    await storms.until(() => endings().length > 0 && endings().length === startings().length, 10_000);
    expect(endings()[0]).toMatchObject({ tier: 'operational', agent_id: 'looper', data: { event_type: 'agent.error', reason: 'quiet' } });
    expect(endings().reduce((n, e) => n + e.data.coalesced, 0)).toBe(coalesced);

    // The store has every event: a since=0 replay gets all 10,000, one by one; the summaries that
    // went out live are at or below its watermark, so it never receives them on top.
    const replay = await connectStream(s.url, 'since=0&tiers=critical&agents=looper&types=agent.error');
    await replay.until((f) => f.some((x) => x.type === 'replay_done'), 20_000);
    const replayed = entries(replay);
    expect(replayed).toHaveLength(10_000);
    expect(replayed.every((x) => x.e.repeat_count === undefined)).toBe(true);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain(`auren_storm_coalesced_events_total{tier="critical"} ${coalesced}\n`);
    expect(metrics).toMatch(/auren_storms_active\{tier="critical"\} 0\b/);
    for (const c of [live, storms, replay]) c.close();
  });

  it('an operational storm: the summary goes out in its own frame, and a client that replayed past it does not get it', async () => {
    const live = await connectStream(s.url, 'tiers=operational&agents=op-loop&types=tool.call');
    const copies = Array.from({ length: 31 }, (_, i) => ({ type: 'tool.call', agent_id: 'op-loop', data: { tool: 'search', request_id: `q${i}` } }));
    await post(s.url, copies);
    const replayer = await connectStream(s.url, 'since=0&tiers=operational&agents=op-loop&types=tool.call');
    await replayer.until((f) => f.some((x) => x.type === 'replay_done'));
    await live.until(() => entries(live).some((x) => x.e.repeat_count !== undefined), 5000);
    const mine = entries(live);
    expect(mine.map((x) => x.e.repeat_count)).toEqual([undefined, 30]);
    expect(mine[1].size).toBe(1);
    replayer.send({ op: 'ping' });
    await replayer.until((f) => f.some((x) => x.type === 'pong'));
    expect(entries(replayer).map((x) => x.e.repeat_count)).toEqual(Array(31).fill(undefined));
    live.close();
    replayer.close();
  });

  it('SSE ids stay below held-back events, so resuming from one gets the repeats from the store', async () => {
    const q = 'tiers=critical&agents=sse-loop,sse-other';
    const a = await connectSse(s.url, q);
    const err = (agent_id: string, message: string) => ({ type: 'agent.error', agent_id, data: { message } });
    await post(s.url, [err('sse-loop', 'same')]);
    await post(s.url, Array.from({ length: 5 }, () => err('sse-loop', 'same')));
    await post(s.url, [err('sse-other', 'distinct')]);
    await a.until(() => a.events().some((e) => e.repeat_count !== undefined), 5000);
    const summary = a.events().find((e) => e.repeat_count !== undefined) as Wire;
    expect(summary.repeat_count).toBe(5);
    const otherMsg = a.messages.find((m) => m.data.type === 'events' && (m.data.events as Wire[])[0].agent_id === 'sse-other')!;
    const otherSeq = (otherMsg.data.events as Wire[])[0].seq;
    expect(otherSeq).toBeGreaterThan(summary.seq);
    expect(Number(otherMsg.id)).toBeLessThan(summary.first_seq!);
    a.close();

    const b = await connectSse(s.url, q, { 'last-event-id': otherMsg.id! });
    await b.until((m) => m.some((x) => x.data.type === 'replay_done'));
    const seqs = b.events().map((e) => e.seq as number);
    for (let seq = summary.first_seq!; seq <= summary.seq; seq++) expect(seqs).toContain(seq);
    expect(seqs).toContain(otherSeq);
    b.close();
  });
});
