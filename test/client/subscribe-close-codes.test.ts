import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type StoredEvent, type StreamFrame } from '../../src/client/index.js';

/** A stream endpoint scripted per connection, speaking the server's frame format. */
async function scriptedStream(script: ((ws: WebSocket, url: URL) => void)[]) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const urls: URL[] = [];
  const times: number[] = [];
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url!, 'http://x');
    urls.push(url);
    times.push(Date.now());
    script[Math.min(urls.length - 1, script.length - 1)](ws, url);
  });
  return { url: `http://127.0.0.1:${(wss.address() as { port: number }).port}`, urls, times, close: () => new Promise((r) => {
    for (const c of wss.clients) c.terminate();
    wss.close(r);
  }) };
}

const ev = (seq: number, tier = 'operational') => ({ seq, id: `e${seq}`, ts: new Date().toISOString(), received_at: new Date().toISOString(), project: 'default', tier, type: 'x.step' });
const events = (tier: string, seqs: number[]) => JSON.stringify({ type: 'events', tier, events: seqs.map((s) => ev(s, tier)) });

describe('subscribe: close codes and resume points', () => {
  let stop: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await stop?.();
  });

  it('after 4008 resumes no later than the seq the server names and delivers each event once', async () => {
    const srv = await scriptedStream([
      (ws) => {
        ws.send(events('critical', [1, 2]));
        ws.send(events('critical', [5]));
        // The server could not deliver seq 3 (critical): resume from 2.
        setTimeout(() => ws.close(4008, 'slow consumer: critical events could not be delivered; reconnect with since=2'), 20);
      },
      (ws) => {
        ws.send(events('critical', [3, 5]));
        ws.send(events('operational', [4, 6]));
        ws.send(JSON.stringify({ type: 'replay_done', seq: 6 }));
      },
    ]);
    stop = srv.close;
    const client = createClient({ url: srv.url, WebSocket: WebSocket as never });
    const frames: StreamFrame[] = [];
    const sub = client.subscribe({ tiers: 'critical,operational' }, (f) => frames.push(f), { reconnectBaseMs: 10 });
    const seen = () => frames.flatMap((f) => (f.type === 'events' ? f.events : [])).map((e: StoredEvent) => e.seq);
    for (let i = 0; i < 200 && seen().length < 6; i++) await new Promise((r) => setTimeout(r, 10));
    // Nothing was older than the resume horizon yet, so it resumes just below the first seq seen.
    expect(Number(srv.urls[1].searchParams.get('since'))).toBeLessThanOrEqual(2);
    expect(srv.urls[0].searchParams.get('tiers')).toBe('critical,operational');
    expect(seen()).toEqual([1, 2, 5, 3, 4, 6]);
    expect(srv.times[1] - srv.times[0]).toBeLessThan(1000);
    sub.close();
    await client.close();
  });

  it('waits at least a second before reconnecting after 1013 (try again later)', async () => {
    const srv = await scriptedStream([(ws) => ws.close(1013, 'overloaded'), (ws) => ws.send(JSON.stringify({ type: 'heartbeat', seq: 0 }))]);
    stop = srv.close;
    const client = createClient({ url: srv.url, WebSocket: WebSocket as never });
    const states: { state: string; delayMs?: number; code?: number }[] = [];
    const sub = client.subscribe({}, () => {}, { reconnectBaseMs: 10, onState: (state, info) => states.push({ state, ...info }) });
    for (let i = 0; i < 300 && srv.urls.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(srv.urls).toHaveLength(2);
    const r = states.find((x) => x.state === 'reconnecting')!;
    expect(r.code).toBe(1013);
    expect(r.delayMs).toBeGreaterThanOrEqual(1000);
    sub.close();
    await client.close();
  });

  it("stops for good when the server ends the key's access (4001, 4003), and says why", async () => {
    for (const code of [4001, 4003]) {
      const srv = await scriptedStream([(ws) => setTimeout(() => ws.close(code, 'the API key of this stream was removed'), 20)]);
      const client = createClient({ url: srv.url, WebSocket: WebSocket as never });
      const states: { state: string; code?: number }[] = [];
      client.subscribe({}, () => {}, { reconnectBaseMs: 10, onState: (state, info) => states.push({ state, code: info.code }) });
      for (let i = 0; i < 100 && !states.some((x) => x.state === 'closed'); i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      expect(srv.urls).toHaveLength(1);
      expect(states.at(-1)).toEqual({ state: 'closed', code });
      await client.close();
      await srv.close();
    }
  });
});
