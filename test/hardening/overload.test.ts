/**
 * Overload on both builds: the stream client cap answers 503 + Retry-After and frees slots as clients
 * leave; ingest past --max-inflight sheds with 429 + Retry-After and never loses what it acknowledged;
 * a reconnect storm of clients resuming with `since` does not stall live delivery. Storm size:
 * AUREN_STORM_CLIENTS (default 1000 on the binary, 300 on the slower Node build; 5000 for long runs).
 */
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TARGETS, type Target } from '../helpers/binary.js';
import { connectStream, type Collected } from '../helpers/ws-client.js';
import { startProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';

const STORM: Record<Target, number> = {
  'bun-binary': Number(process.env.AUREN_STORM_CLIENTS ?? 1000),
  node: Number(process.env.AUREN_STORM_CLIENTS ?? 300),
};

function upgradeStatus(url: string): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`);
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode! }));
    ws.on('error', () => {});
  });
}

// Every client here connects from 127.0.0.1: the per-address cap (per-ip-limit.test.ts) is lifted so
// these tests reach the server-wide limits.
const ONE_ADDRESS = ['--max-clients-per-address', '100000'];

describe.each(TARGETS)('overload (%s)', (target) => {
  const procs: Product[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill9();
  });

  it('caps stream clients with 503 + Retry-After and frees slots as clients leave', async () => {
    const p = await startProduct(target, { args: ['--max-clients', '20', ...ONE_ADDRESS] });
    procs.push(p);
    const clients: Collected[] = [];
    for (let i = 0; i < 20; i++) clients.push(await connectStream(p.url));
    for (const c of clients) c.ws.on('error', () => {});
    // (That a refused upgrade also carries Retry-After and a message is ws-refusal-headers.test.ts.)
    expect((await upgradeStatus(p.url)).status).toBe(503);
    const sse = await fetch(`${p.url}/v1/stream`, { headers: { accept: 'text/event-stream' } });
    expect(sse.status).toBe(503);
    expect(Number(sse.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await sse.json()) as { error: string }).error).toMatch(/too many stream clients/);

    clients.pop()!.close();
    let again = await upgradeStatus(p.url);
    for (let i = 0; i < 50 && again.status !== 101; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await upgradeStatus(p.url);
    }
    expect(again.status).toBe(101);
    again.ws!.close();
    for (const c of clients) c.close();
  });

  it('sheds ingest past --max-inflight with 429 + Retry-After, and keeps every 202', async () => {
    const p = await startProduct(target, { args: ['--max-inflight', '2'] });
    procs.push(p);
    const line = JSON.stringify({ type: 'agent.step', data: { pad: 'x'.repeat(500) } }) + '\n';
    const body = line.repeat(2000);
    let accepted = 0;
    const codes = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const r = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        const json = (await r.json()) as { accepted?: number; error?: string };
        codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
        if (r.status === 202) accepted += json.accepted!;
        if (r.status === 429) {
          expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(json.error).toMatch(/in flight/);
        }
      }),
    );
    expect([...codes.keys()].sort()).toEqual([202, 429]);
    const stored = (await replayAll(p.url)).events.filter((e) => e.type === 'agent.step').length;
    expect(stored).toBe(accepted);
  });

  it(`keeps live delivery going through a reconnect storm of ${STORM[target]} resuming clients`, async () => {
    const p = await startProduct(target, { args: ONE_ADDRESS });
    procs.push(p);
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: 'agent.step', agent_id: `a${i % 10}`, data: { i } }));
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines.slice(i * 1000, (i + 1) * 1000).join('\n') });
      expect(r.status).toBe(202);
    }
    const live = await connectStream(p.url, 'tiers=critical');
    const liveErrors: string[] = [];
    live.ws.on('error', (err) => liveErrors.push(err.message));
    const n = STORM[target];
    let done = 0;
    let refused = 0;
    const sockets: WebSocket[] = [];
    const samples = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const since = 4000 + (i % 1000);
      const ws = new WebSocket(`${p.url.replace('http', 'ws')}/v1/stream?since=${since}`);
      sockets.push(ws);
      // Most clients only look for the end of their replay; a few check every seq they get.
      const sample = i % 100 === 0 ? (samples.set(since, []), samples.get(since)!) : undefined;
      ws.on('message', (d) => {
        const s = String(d);
        if (sample && s.startsWith('{"type":"events"')) for (const e of JSON.parse(s).events) sample.push(e.seq);
        if (s.startsWith('{"type":"replay_done"')) done++;
      });
      ws.on('unexpected-response', (_q, res) => {
        // Retryable refusals only (Node may time an upgrade out with 408 while it is busy).
        expect([408, 429, 503]).toContain(res.statusCode);
        refused++;
      });
      ws.on('error', () => {});
    }
    await new Promise((r) => setTimeout(r, 200));
    const posted = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"system.alert","id":"mid-storm"}', signal: AbortSignal.timeout(30_000) });
    expect(posted.status).toBe(202);
    // "Not stalled" with a wide margin: the storm as a whole takes far longer on these two cores.
    await live.until((f) => f.some((x) => x.type === 'events'), 10_000);
    expect(liveErrors).toEqual([]);
    const start = Date.now();
    while (done + refused < n && Date.now() - start < 120_000) await new Promise((r) => setTimeout(r, 100));
    expect(done + refused).toBe(n);
    expect(refused).toBeLessThan(n / 10);
    for (const [since, seqs] of samples) {
      if (seqs.length === 0) continue; // refused
      const expected = Array.from({ length: 5000 - since }, (_, k) => since + 1 + k);
      expect(seqs.filter((s) => s <= 5000)).toEqual(expected);
    }
    for (const s of sockets) s.terminate();
    live.close();
  }, 180_000);
});
