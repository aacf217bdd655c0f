import { describe, expect, it } from 'vitest';
import { startTestServer, useTestServer } from '../helpers/server.js';
import { connectSse } from '../helpers/sse-client.js';
import { postEvents } from '../helpers/ws-client.js';

describe('GET /v1/stream (Server-Sent Events)', () => {
  const s = useTestServer();

  it('streams the same frames with ids, and resumes from Last-Event-ID with no duplicate', async () => {
    const a = await connectSse(s.url, 'types=sse.*');
    await postEvents(s.url, [{ type: 'sse.one', id: 's1' }, { type: 'sse.two', id: 's2' }, { type: 'sse.error', id: 's3' }]);
    await a.until(() => a.events().length === 3);
    const last = a.messages.filter((m) => m.id).at(-1)!;
    a.close();
    await a.done;
    for (let i = 0; i < 100 && s.ctx.hub.clientCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.ctx.hub.clientCount).toBe(0);

    await postEvents(s.url, [{ type: 'sse.three', id: 's4' }]);
    const b = await connectSse(s.url, 'types=sse.*', { 'last-event-id': last.id! });
    await b.until((m) => m.some((x) => x.data.type === 'replay_done'));
    const seen = new Set(a.events().map((e) => e.id));
    const replayed = b.events().map((e) => e.id as string);
    expect(replayed).toContain('s4');
    // The id is a safe resume point: everything after it arrives, at most what was already seen repeats.
    expect([...seen, ...replayed].filter((id) => id !== undefined).sort()).toEqual(expect.arrayContaining(['s1', 's2', 's3', 's4']));
    b.close();
  });

  it('replays with since and reports replay_done', async () => {
    const c = await connectSse(s.url, 'since=0&tiers=critical');
    await c.until((m) => m.some((x) => x.data.type === 'replay_done'));
    expect(c.events().every((e) => e.tier === 'critical')).toBe(true);
    expect(c.events().map((e) => e.id)).toContain('s3');
    c.close();
  });

  it('refuses a bad since with 400', async () => {
    const res = await fetch(`${s.url}/v1/stream?since=-3`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/since must be a non-negative integer/);
  });
});

describe('heartbeats', () => {
  it('sends a heartbeat with a resume seq to idle clients', async () => {
    const s = await startTestServer({ argv: ['--heartbeat', '200ms'] });
    await postEvents(s.url, { type: 'hb.one' });
    const c = await connectSse(s.url);
    await c.until((m) => m.some((x) => x.data.type === 'heartbeat'), 6000);
    const hb = c.messages.find((x) => x.data.type === 'heartbeat')!;
    expect(hb.data.seq).toBe(1);
    c.close();
    expect(await (await fetch(s.url + '/metrics')).text()).toMatch(/auren_store_bytes \d+/);
    await s.stop();
  });
});
