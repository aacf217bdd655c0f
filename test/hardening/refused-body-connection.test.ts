/**
 * A body refused while it is still arriving (413 for its size) leaves the connection usable: the
 * server reads the rest and drops it, so a keep-alive client's next request on the same socket is
 * answered. On Node, cutting the body off used to end the connection half a second later without
 * `Connection: close`, and that next request failed with ECONNRESET. Both builds.
 */
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';

interface Answer {
  status: number;
  reused: boolean;
  text: string;
}

/** POSTs on the agent; a chunked body (no Content-Length) of `chunkedBytes`, or `body` as is. */
function post(url: string, agent: Agent, o: { chunkedBytes?: number; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    const req = request(`${url}/v1/events`, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket, text }));
    });
    req.on('error', reject);
    if (o.chunkedBytes) {
      const lines = `${JSON.stringify({ type: 'big.line', data: { s: 'x'.repeat(900) } })}\n`.repeat(8);
      for (let sent = 0; sent < o.chunkedBytes; sent += lines.length) req.write(lines);
    } else req.write(o.body ?? '');
    req.end();
  });
}

describe.each(TARGETS)('a refused body keeps its connection (%s)', (target) => {
  let p: Product;
  beforeAll(async () => {
    p = await startProduct(target, { args: ['--max-body', '64KiB'] });
  });
  afterAll(async () => {
    await p.kill9();
  });

  // After 10 MiB the 413 arrives while the client is still writing, and Node's agent then opens a
  // new connection for the next request by itself: only the answer is checked there.
  it.each([
    ['256 KiB', 256 * 1024, true],
    ['10 MiB', 10 * 1024 * 1024, false],
  ])('answers the next request after a %s chunked body got 413', async (_n, bytes, sameSocket) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let round = 0; round < 3; round++) {
        const big = await post(p.url, agent, { chunkedBytes: bytes });
        expect(big.status).toBe(413);
        expect(JSON.parse(big.text).error).toMatch(/over the limit of 65536 bytes/);
        const next = await post(p.url, agent, { body: `${JSON.stringify({ type: 'agent.step', id: `after-${bytes}-${round}` })}\n` });
        expect(next.status, next.text).toBe(202);
        if (sameSocket) expect(next.reused, 'the next request went over the same connection').toBe(true);
      }
    } finally {
      agent.destroy();
    }
    const { events } = await replayAll(p.url);
    expect(events.filter((e) => e.type === 'big.line')).toHaveLength(0);
    expect(events.filter((e) => String(e.id).startsWith(`after-${bytes}-`))).toHaveLength(3);
  });
});
