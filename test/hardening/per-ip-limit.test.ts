/**
 * Connection limits per client address: one address cannot take every stream slot, so another
 * address still gets in (test clients bind 127.0.0.2 and 127.0.0.3 as their source), on both builds.
 */
import { get, type IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';

interface Opened {
  status: number;
  ws?: WebSocket;
  retryAfter?: string;
  body?: string;
}

function open(url: string, localAddress: string): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, { localAddress });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_q, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }));
    });
    ws.on('error', () => resolve({ status: 0 }));
  });
}

/** Opens an SSE stream from `localAddress`; the response stays open until destroyed. */
function openSse(url: string, localAddress: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(`${url}/v1/stream`, { localAddress, headers: { accept: 'text/event-stream' } }, resolve).on('error', reject);
  });
}

describe.each(TARGETS)('per-address stream limits (%s)', (target) => {
  let p: Product | undefined;
  const sockets: WebSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await p?.kill9();
  });

  it('leaves room for others when one address opens as many streams as it can', async () => {
    p = await startProduct(target, { args: ['--max-clients', '200'] });
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const r = await open(p.url, '127.0.0.2');
      if (r.ws) sockets.push(r.ws);
      else refused++;
    }
    expect(refused, 'one address took every slot').toBeGreaterThan(0);
    const other = await open(p.url, '127.0.0.3');
    expect(other.status).toBe(101);
    sockets.push(other.ws!);
  }, 60_000);

  it('counts WebSocket and SSE streams together, says what to do, and frees a slot when a stream ends', async () => {
    await p?.kill9();
    p = await startProduct(target, { args: ['--max-clients-per-address', '2'] });
    const a = await open(p.url, '127.0.0.4');
    const sse = await openSse(p.url, '127.0.0.4');
    expect([a.status, sse.statusCode]).toEqual([101, 200]);
    const refused = await open(p.url, '127.0.0.4');
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(refused.body!).error).toMatch(/at most 2 .*--max-clients-per-address.*close streams/);
    const refusedSse = await openSse(p.url, '127.0.0.4');
    expect(refusedSse.statusCode).toBe(429);
    refusedSse.destroy();
    // Another address is not affected.
    const other = await open(p.url, '127.0.0.5');
    expect(other.status).toBe(101);
    other.ws!.terminate();
    // Closing either kind of stream gives its slot back: both slots are free again.
    a.ws!.terminate();
    sse.destroy();
    await expect
      .poll(
        async () => {
          const both = [await open(p!.url, '127.0.0.4'), await open(p!.url, '127.0.0.4')];
          for (const r of both) r.ws?.terminate();
          return both.map((r) => r.status);
        },
        { timeout: 5000 },
      )
      .toEqual([101, 101]);
  }, 60_000);
});
