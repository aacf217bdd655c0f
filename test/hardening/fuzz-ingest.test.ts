/**
 * Fuzzes POST /v1/events (and POST /v1/traces) on both builds with fast-check: contract-shaped events
 * with wrong values, mutated bodies and raw bytes, plain or gzip. No 5xx, no hang, the server stays
 * healthy, memory stays flat, and every `accepted` it reports is really in the store. Time per target:
 * AUREN_FUZZ_MS (default 6000; raise it for long runs).
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { ingestRequest, type FuzzRequest } from './support/fuzz-arbitraries.js';
import { otlpRequest } from './support/otlp-arbitraries.js';
import { otlpTypes } from '../../src/otlp/otlp-schema.js';
import { startProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';

const FUZZ_MS = Number(process.env.AUREN_FUZZ_MS ?? 6000);
const OK = new Set([200, 202, 400, 413, 415, 429]);

async function send(url: string, path: string, r: FuzzRequest) {
  const headers: Record<string, string> = {};
  if (r.contentType) headers['content-type'] = r.contentType;
  if (r.gzip) headers['content-encoding'] = 'gzip';
  const res = await fetch(url + path, { method: 'POST', headers, body: (r.gzip ? gzipSync(r.body) : r.body) as BodyInit, signal: AbortSignal.timeout(10_000) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.headers.get('content-type') !== 'application/x-protobuf') return { status: res.status, text: new TextDecoder().decode(bytes) };
  // OTLP answers protobuf requests in protobuf: a Status on errors, an export response otherwise.
  const t = otlpTypes();
  const decoded = res.status >= 400 ? t.status.toObject(t.status.decode(bytes)) : t.response.toObject(t.response.decode(bytes));
  return { status: res.status, text: JSON.stringify(decoded) };
}

describe.each(TARGETS)('fuzz ingest (%s)', (target) => {
  let p: Product;
  let accepted = 0;
  let requests = 0;
  beforeAll(async () => {
    p = await startProduct(target);
  });
  afterAll(async () => {
    await p.kill9();
  });

  async function run(ms: number, path = '/v1/events') {
    await fc.assert(
      fc.asyncProperty(path === '/v1/traces' ? otlpRequest : ingestRequest, async (r) => {
        const res = await send(p.url, path, r);
        requests++;
        if (!OK.has(res.status)) throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
        const body = JSON.parse(res.text) as { accepted?: number; error?: string; message?: string };
        if (res.status >= 400 && !(body.error ?? body.message)) throw new Error(`a ${res.status} without a message: ${res.text.slice(0, 200)}`);
        if (path === '/v1/events' && res.status === 202) accepted += body.accepted!;
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: ms, markInterruptAsFailure: false },
    );
  }

  it('never answers 5xx, and keeps memory flat', async () => {
    await run(FUZZ_MS / 2);
    const warm = p.rssKb();
    await run(FUZZ_MS / 2);
    const grownMb = (p.rssKb() - warm) / 1024;
    // Allowed: SQLite's page cache (64 MiB) and the dedup window fill up as events are accepted.
    expect(grownMb, `RSS grew ${grownMb.toFixed(0)} MiB during the second half`).toBeLessThan(160);
    if (process.env.AUREN_FUZZ_STATS) console.log(`fuzz ${target}: ${requests} requests, ${accepted} events accepted, RSS ${Math.round(p.rssKb() / 1024)} MiB`);
    expect(requests).toBeGreaterThan(20);
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
  }, FUZZ_MS + 60_000);

  it('stores exactly what it reported as accepted', async () => {
    const { events } = await replayAll(p.url);
    expect(events.filter((e) => !String(e.type).startsWith('storm.')).length).toBe(accepted);
  });

  it('never answers 5xx on /v1/traces either', async () => {
    await run(FUZZ_MS / 2, '/v1/traces');
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
  }, FUZZ_MS + 60_000);
});
