import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, useTestServer } from '../helpers/server.js';
import { connectStream, postEvents } from '../helpers/ws-client.js';

type Frame = Record<string, unknown> & { events?: Record<string, unknown>[] };

describe('GET /v1/stream (WebSocket)', () => {
  const s = useTestServer();

  it('sends critical events at once, one per frame, and batches the other tiers within their caps', async () => {
    const c = await connectStream(s.url);
    const batch = [
      ...Array.from({ length: 120 }, (_, i) => ({ type: 'agent.step', data: { i } })),
      ...Array.from({ length: 450 }, (_, i) => ({ type: 'memory.formed', data: { i } })),
      ...Array.from({ length: 3 }, (_, i) => ({ type: 'tool.error', data: { i } })),
    ];
    await postEvents(s.url, batch);
    await c.until(() => c.events().length === batch.length);
    const frames = c.frames.filter((f) => f.type === 'events') as Frame[];
    const byTier = (t: string) => frames.filter((f) => f.tier === t);
    expect(byTier('critical').every((f) => f.events!.length === 1)).toBe(true);
    expect(byTier('critical')).toHaveLength(3);
    expect(Math.max(...byTier('operational').map((f) => f.events!.length))).toBeLessThanOrEqual(50);
    expect(Math.max(...byTier('analytical').map((f) => f.events!.length))).toBeLessThanOrEqual(200);
    expect(byTier('operational').reduce((n, f) => n + f.events!.length, 0)).toBe(120);
    expect(byTier('analytical').reduce((n, f) => n + f.events!.length, 0)).toBe(450);
    for (const t of ['critical', 'operational', 'analytical']) {
      const seqs = byTier(t).flatMap((f) => f.events!.map((e) => e.seq as number));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    c.close();
  });

  it('flushes a partial operational batch after its interval', async () => {
    const c = await connectStream(s.url, 'types=solo.*');
    await postEvents(s.url, { type: 'solo.step' });
    await c.until(() => c.events().length === 1, 2000);
    c.close();
  });

  it('filters by tiers, types, agents, sessions and traces with globs', async () => {
    const a = await connectStream(s.url, 'tiers=critical');
    const b = await connectStream(s.url, 'types=llm.*,tool.call&agents=planner-*');
    const d = await connectStream(s.url, 'sessions=s-9&traces=t-*');
    await postEvents(s.url, [
      { type: 'llm.call', agent_id: 'planner-1', id: 'f1' },
      { type: 'llm.call', agent_id: 'coach', id: 'f2' },
      { type: 'tool.call', agent_id: 'planner-2', id: 'f3', session_id: 's-9', trace_id: 't-1' },
      { type: 'agent.error', agent_id: 'planner-1', id: 'f4', session_id: 's-9' },
    ]);
    await a.until(() => a.events().length === 1);
    await b.until(() => b.events().length === 2);
    await d.until(() => d.events().length === 1);
    await new Promise((r) => setTimeout(r, 250));
    expect(a.events().map((e) => e.id)).toEqual(['f4']);
    expect(b.events().map((e) => e.id).sort()).toEqual(['f1', 'f3']);
    expect(d.events().map((e) => e.id)).toEqual(['f3']);
    for (const c of [a, b, d]) c.close();
  });

  it('refuses unknown filter fields, bad tiers and oversized globs at the handshake with 400', async () => {
    for (const q of ['colour=red', 'tiers=urgent', `types=${'*a'.repeat(20)}`]) {
      await expect(connectStream(s.url, q)).rejects.toThrow(/400/);
      const res = await fetch(`${s.url}/v1/stream?${q}`, { headers: { accept: 'text/event-stream' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/unknown filter field|not a tier|'\*'/);
    }
  });

  it('answers 426 to a plain GET without upgrade or event-stream', async () => {
    const res = await fetch(`${s.url}/v1/stream`);
    expect(res.status).toBe(426);
  });

  it('answers ping with pong, changes the filter on subscribe, and reports bad messages', async () => {
    const c = await connectStream(s.url, 'types=nothing.here');
    c.send({ op: 'ping' });
    await c.until((f) => f.some((x) => x.type === 'pong'));
    c.send({ op: 'subscribe', types: 'sub.*' });
    await c.until((f) => f.some((x) => x.type === 'subscribed'));
    await postEvents(s.url, [{ type: 'sub.one' }, { type: 'other.one' }]);
    await c.until(() => c.events().length === 1);
    expect(c.events()[0].type).toBe('sub.one');
    c.send('garbage{');
    c.send({ op: 'dance' });
    c.send({ op: 'subscribe', colour: 'red' });
    await c.until((f) => f.filter((x) => x.type === 'error').length === 3);
    const errors = c.frames.filter((x) => x.type === 'error').map((x) => x.error);
    expect(errors[0]).toMatch(/not valid JSON/);
    expect(errors[1]).toMatch(/unknown op/);
    expect(errors[2]).toMatch(/unknown filter field "colour"/);
    c.close();
  });

  it('closes a client that floods messages (1008) and one that sends oversized frames (1009)', async () => {
    const c = await connectStream(s.url);
    for (let i = 0; i < 100; i++) c.send({ op: 'ping' });
    expect((await c.closed).code).toBe(1008);
    const big = await connectStream(s.url);
    big.ws.send('x'.repeat(1024 * 1024));
    expect((await big.closed).code).toBe(1009);
  });

  it('replays stored events with since, then goes live with no gap and no duplicate while events keep arriving', async () => {
    const start = s.ctx.log.lastSeq();
    let posting = true;
    let posted = 0;
    let n = 0;
    const writer = (async () => {
      while (posting) {
        const batch = Array.from({ length: 20 }, (_, i) => ({ type: i % 5 === 0 ? 'race.error' : i % 3 ? 'race.step' : 'metric.race', data: { n: n++ } }));
        const r = await postEvents(s.url, batch);
        posted += r.json.accepted as number;
      }
    })();
    await new Promise((r) => setTimeout(r, 150));
    const clients = await Promise.all(Array.from({ length: 5 }, () => connectStream(s.url, `since=${start}&types=race.*,metric.race`)));
    await new Promise((r) => setTimeout(r, 300));
    posting = false;
    await writer;
    for (const c of clients) {
      await c.until(() => c.events().length >= posted, 10_000);
      await new Promise((r) => setTimeout(r, 600));
      const seqs = c.events().map((e) => e.seq as number);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs.length).toBe(posted);
      const done = c.frames.find((f) => f.type === 'replay_done');
      expect(done).toBeDefined();
      c.close();
    }
  });

  it('replays with since to a WebSocket subscribe message too', async () => {
    await postEvents(s.url, [{ type: 'late.one', id: 'late-1' }]);
    const c = await connectStream(s.url, 'types=nothing');
    c.send({ op: 'subscribe', types: 'late.*', since: 0 });
    await c.until((f) => f.some((x) => x.type === 'replay_done'));
    expect(c.events().map((e) => e.id)).toContain('late-1');
    c.close();
  });
});

describe('slow and rate-limited clients', () => {
  it('drops operational frames over the rate limit and reports them in a lagged frame', async () => {
    const s = await startTestServer({ config: { clientRateFrames: 2 } });
    const c = await connectStream(s.url, 'tiers=operational');
    // Distinct events (identical ones would be coalesced as a storm, see src/storm).
    let n = 0;
    const burst = () => Array.from({ length: 50 }, () => ({ type: 'burst.step', data: { n: n++ } }));
    for (let i = 0; i < 6; i++) await postEvents(s.url, burst());
    await new Promise((r) => setTimeout(r, 1200));
    await postEvents(s.url, burst());
    await c.until((f) => f.some((x) => x.type === 'lagged'));
    const lag = c.frames.find((f) => f.type === 'lagged') as { dropped: number; tiers: Record<string, number> };
    expect(lag.dropped).toBeGreaterThan(0);
    expect(lag.tiers.operational).toBe(lag.dropped);
    await c.until(() => c.events().length + lag.dropped === 350, 3000);
    c.close();
    await s.stop();
  });

  it('closes a client that cannot take critical events with 4008 and keeps memory bounded', async () => {
    const s = await startTestServer({ config: { clientBufferBytes: 256 * 1024 } });
    const ws = new WebSocket(s.url.replace('http', 'ws') + '/v1/stream?tiers=critical');
    await new Promise((r) => ws.once('open', r));
    // Stop reading: the kernel buffers fill, then the server's outbound buffer.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    const payload = 'x'.repeat(8000);
    let n = 0;
    for (let i = 0; i < 200 && s.ctx.hub.clientCount > 0; i++) {
      await postEvents(s.url, Array.from({ length: 50 }, () => ({ type: 'flood.error', data: { payload, n: n++ } })));
    }
    // The server forgot the client at once (memory bounded); reading again shows why it was closed.
    expect(s.ctx.hub.clientCount).toBe(0);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(4008);
    await s.stop();
  });
});
