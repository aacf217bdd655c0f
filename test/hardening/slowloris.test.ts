/**
 * Slowloris on both builds: many connections that send headers or a body one byte at a time. The
 * server keeps serving everyone else meanwhile and cuts the slow ones off: headers within a minute
 * (Bun ~10 s; Node's headersTimeout 10 s, checked every 30 s), bodies within ~2 minutes (Bun's idle
 * timeout 120 s, Node's requestTimeout 60 s + check). The body cut-off is slow to observe, so it runs
 * with AUREN_HARDENING_LONG=1 only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type Target } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';
import { slowSend, type SlowResult } from './support/raw-http.js';

const LONG = process.env.AUREN_HARDENING_LONG === '1';
const SLOW_CLIENTS = 150;
const HEAD = 'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
const BODY_HEAD = `${HEAD}Content-Length: 100000\r\n\r\n`;

async function serves(url: string): Promise<void> {
  const r = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"still.served"}', signal: AbortSignal.timeout(5000) });
  expect(r.status).toBe(202);
  expect((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
}

describe('slowloris', () => {
  const procs = new Map<Target, Product>();
  beforeAll(async () => {
    for (const t of TARGETS) procs.set(t, await startProduct(t));
  });
  afterAll(async () => {
    for (const p of procs.values()) await p.kill9();
  });

  it('cuts off clients that trickle headers, and serves others meanwhile', async () => {
    const runs = TARGETS.map(async (t) => {
      const p = procs.get(t)!;
      const slow = Array.from({ length: SLOW_CLIENTS }, () => slowSend(p.url, HEAD, 'X-Slow: 1\r\n', 1000, 75_000));
      await new Promise((r) => setTimeout(r, 2000));
      await serves(p.url);
      const results = await Promise.all(slow);
      await serves(p.url);
      return { t, results };
    });
    for (const { t, results } of await Promise.all(runs)) {
      const held = results.filter((r) => r.cutAfterMs === undefined);
      expect(held.length, `${t}: ${held.length} header tricklers still connected after 75 s`).toBe(0);
      // A 408 (or a plain close) — never a request that went through.
      for (const r of results) expect(r.reply).not.toMatch(/^HTTP\/1\.1 2/);
    }
  }, 120_000);

  it.runIf(LONG)('cuts off clients that trickle bodies', async () => {
    const runs = TARGETS.map(async (t): Promise<[Target, SlowResult[]]> => {
      const p = procs.get(t)!;
      const slow = Array.from({ length: SLOW_CLIENTS }, () => slowSend(p.url, BODY_HEAD, ' ', 1000, 150_000));
      await new Promise((r) => setTimeout(r, 2000));
      // (Whether ingest still answers 202 meanwhile is slowloris-starvation.test.ts.)
      expect((await fetch(`${p.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
      return [t, await Promise.all(slow)];
    });
    for (const [t, results] of await Promise.all(runs)) {
      const held = results.filter((r) => r.cutAfterMs === undefined);
      expect(held.length, `${t}: ${held.length} body tricklers still connected after 150 s`).toBe(0);
    }
  }, 200_000);
});
