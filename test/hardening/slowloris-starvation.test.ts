/**
 * Slow uploads must not starve other clients: while 150 connections trickle request bodies, a normal
 * ingest request from someone else still gets its 202 (not a 429 because the in-flight body slots are
 * all held by the slow ones), on both builds. Everyone here shares one address (loopback), so this
 * also shows that a body behind --min-body-rate yields its slot to a request waiting for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type Target } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';
import { slowSend } from './support/raw-http.js';

const BODY_HEAD = 'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';

describe('slow bodies starve nobody', () => {
  const procs = new Map<Target, Product>();
  beforeAll(async () => {
    for (const t of TARGETS) procs.set(t, await startProduct(t));
  });
  afterAll(async () => {
    for (const p of procs.values()) await p.kill9();
  });

  it.each(TARGETS)('%s serves a normal upload while 150 clients trickle bodies', async (t) => {
    const p = procs.get(t)!;
    const slow = Array.from({ length: 150 }, () => slowSend(p.url, BODY_HEAD, ' ', 500, 8000));
    await new Promise((r) => setTimeout(r, 2000));
    const r = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"still.served"}', signal: AbortSignal.timeout(5000) });
    expect(r.status, await r.text()).toBe(202);
    // The slow ones are refused (429) or cut off (408) with a message naming the limit; none goes through.
    const results = await Promise.all(slow);
    for (const s of results) expect(s.reply).toMatch(/^$|^HTTP\/1\.1 (408|429) /);
    expect(results.some((s) => /^HTTP\/1\.1 408 [\s\S]*--min-body-rate/.test(s.reply))).toBe(true);
  }, 60_000);
});
