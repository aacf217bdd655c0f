/**
 * Fuzzes the WebSocket stream protocol on both builds with fast-check: sequences of subscribe/ping
 * messages with hostile fields, JSON noise and binary frames, while events flow. Each connection ends
 * in a pong or a policy close (1003/1008/1009), never an internal error or a dropped socket; the server
 * stays healthy and a well-behaved client still gets everything. Time per target: AUREN_FUZZ_MS.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TARGETS } from '../helpers/binary.js';
import { connectStream } from '../helpers/ws-client.js';
import { streamMessage } from './support/fuzz-arbitraries.js';
import { IngestLoad } from './support/ingest-load.js';
import { startProduct, type Product } from './support/product.js';

const FUZZ_MS = Number(process.env.AUREN_FUZZ_MS ?? 6000);
const POLICY_CLOSES = new Set([1003, 1008, 1009]);

/** Sends the messages, then a ping; resolves with 'pong' or the close code. */
function session(url: string, query: string, messages: (string | Uint8Array)[]): Promise<string | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream${query}`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no pong and no close within 10 s after ${JSON.stringify(messages).slice(0, 300)}`));
    }, 10_000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve(res.statusCode!);
    });
    ws.on('open', () => {
      for (const m of messages) ws.send(m);
      ws.send('{"op":"ping"}');
    });
    ws.on('message', (d) => {
      if (String(d).startsWith('{"type":"pong"')) {
        clearTimeout(timer);
        ws.close();
        resolve('pong');
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', () => {});
  });
}

const query = fc.oneof(fc.constant(''), fc.constantFrom('?since=0', '?tiers=critical', '?types=agent.*&since=5', '?dashboards=cost', '?since=-1', '?foo=bar', '?types=' + '*a'.repeat(9)));

describe.each(TARGETS)('fuzz stream protocol (%s)', (target) => {
  let p: Product;
  let load: IngestLoad;
  beforeAll(async () => {
    p = await startProduct(target);
    load = new IngestLoad({ url: p.url, prefix: 'bg', workers: 1, batch: 20, pauseMs: 50 }).start();
  });
  afterAll(async () => {
    await load.stop();
    await p.kill9();
  });

  it('ends every session in a pong or a policy close, and stays healthy', async () => {
    const outcomes = new Map<string | number, number>();
    const run = (ms: number) =>
      fc.assert(
        fc.asyncProperty(query, fc.oneof({ weight: 5, arbitrary: fc.array(streamMessage, { maxLength: 12 }) }, { weight: 1, arbitrary: fc.array(streamMessage, { minLength: 30, maxLength: 60 }) }), async (q, messages) => {
          const r = await session(p.url, q, messages);
          outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
          if (r !== 'pong' && r !== 400 && !POLICY_CLOSES.has(r as number)) throw new Error(`ended with ${r}`);
        }),
        { numRuns: 1_000_000, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
      );
    await run(FUZZ_MS / 2);
    const warm = p.rssKb();
    await run(FUZZ_MS / 2);
    const grownMb = (p.rssKb() - warm) / 1024;
    if (process.env.AUREN_FUZZ_STATS) console.log(`fuzz stream ${target}:`, Object.fromEntries(outcomes), `RSS ${Math.round(p.rssKb() / 1024)} MiB`);
    expect(outcomes.get('pong') ?? 0).toBeGreaterThan(0);
    expect(grownMb, `RSS grew ${grownMb.toFixed(0)} MiB during the second half`).toBeLessThan(64);

    // A well-behaved client still gets a full replay and live events.
    const stats = await load.stop();
    const c = await connectStream(p.url, 'since=0');
    await c.until(() => c.frames.some((f) => f.type === 'replay_done'), 30_000);
    const ids = new Set(c.events().map((e) => e.id));
    expect([...stats.acked].filter((id) => !ids.has(id))).toEqual([]);
    c.close();
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
  }, FUZZ_MS + 60_000);
});
