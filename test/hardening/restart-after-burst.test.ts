/**
 * A restart right after a burst of ingest: the server rebuilds its dedup window from the events of the
 * last 10 minutes, which after a burst are hundreds of thousands. It must start (not die with a stack
 * overflow) and still catch duplicates. Node build with 250k events (its limit for spreading an array
 * into call arguments is ~120k); the Bun binary (limit ~1M) with 1.1M events under
 * AUREN_HARDENING_LONG=1.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Target } from '../helpers/binary.js';
import { restartProduct, startProduct, type Product } from './support/product.js';

const LONG = process.env.AUREN_HARDENING_LONG === '1';
const CASES: [Target, number][] = [['node', 250_000], ...(LONG ? ([['bun-binary', 1_100_000]] as [Target, number][]) : [])];

describe.each(CASES)('restart after a burst (%s, %i events)', (target, count) => {
  const procs: Product[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill9();
  });

  it('starts again and still deduplicates', async () => {
    const p = await startProduct(target);
    procs.push(p);
    for (let sent = 0; sent < count; sent += 100_000) {
      const n = Math.min(100_000, count - sent);
      let body = '';
      for (let i = 0; i < n; i++) body += `{"type":"burst.tick","id":"b${sent + i}"}\n`;
      const r = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      expect(r.status).toBe(202);
      expect(((await r.json()) as { accepted: number }).accepted).toBe(n);
    }
    await p.kill9();
    const q = await restartProduct(p);
    procs.push(q);
    // The window keeps the newest 500,000 ids (its memory cap), across a restart as while running.
    const older = `b${Math.max(0, count - 400_000)}`;
    const again = await fetch(`${q.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ type: 'burst.tick', id: older }, { type: 'burst.tick', id: `b${count - 1}` }, { type: 'burst.tick', id: 'fresh' }]) });
    expect(await again.json()).toMatchObject({ accepted: 1, duplicates: 2 });
  }, 240_000);
});
