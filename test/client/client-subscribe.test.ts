import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type StoredEvent, type StreamFrame } from '../../src/client/index.js';
import { tempDir } from '../helpers/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TypeScript client subscribe: reconnect and resume across a server restart', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const s of servers) expect(s.errors).toEqual([]);
  });

  it('delivers every event exactly once, in seq order per tier, across a restart', async () => {
    const dataDir = tempDir();
    let s = await startTestServer({ config: { dataDir } });
    servers.push(s);
    const port = s.port;
    const client = createClient({ url: s.url, flushIntervalMs: 10, retryBaseMs: 20, retryMaxMs: 200, WebSocket: WebSocket as never });
    const frames: StreamFrame[] = [];
    const states: string[] = [];
    const sub = client.subscribe({ types: 'sub.*' }, (f) => frames.push(f), { reconnectBaseMs: 50, reconnectMaxMs: 300, resumeHorizonMs: 1000, onState: (st) => states.push(st) });
    const got = () => frames.flatMap((f) => (f.type === 'events' ? f.events : [])) as StoredEvent[];
    await waitFor(() => states.includes('open'));

    const emitBatch = async (n: number, from: number) => {
      for (let i = from; i < from + n; i++) {
        client.emit({ type: i % 7 === 0 ? 'sub.error' : 'sub.step', tier: i % 5 === 0 && i % 7 !== 0 ? 'analytical' : undefined, data: { i } });
        if (i % 10 === 0) await sleep(3);
      }
    };
    await emitBatch(100, 0);
    await waitFor(() => got().length === 100);
    await emitBatch(50, 100);
    // Restart right away: some of these are still in the server's tier batches or in flight.
    await s.stop();
    await emitBatch(50, 150);
    await sleep(300);
    s = await startTestServer({ config: { dataDir, port } });
    servers.push(s);
    expect(await client.flush(15_000)).toBe(true);
    await waitFor(() => got().length >= 200, 15_000).catch((err) => {
      const seen = new Set(got().map((e) => (e.data as { i: number }).i));
      console.log('states', states, 'missing', Array.from({ length: 200 }, (_, i) => i).filter((i) => !seen.has(i)), client.stats(), frames.filter((f) => f.type !== 'events'));
      throw err;
    });
    await sleep(700);

    const events = got();
    const seqs = events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(new Set(events.map((e) => (e.data as { i: number }).i))).toEqual(new Set(Array.from({ length: 200 }, (_, i) => i)));
    for (const tier of ['critical', 'operational', 'analytical']) {
      const t = events.filter((e) => e.tier === tier).map((e) => e.seq);
      expect(t).toEqual([...t].sort((a, b) => a - b));
    }
    expect(states.filter((x) => x === 'reconnecting').length).toBeGreaterThan(0);
    expect(sub.resumeSeq).toBeGreaterThan(0);
    await client.close();
  });
});

async function waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}
