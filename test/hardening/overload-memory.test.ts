/**
 * Memory stays bounded under ingest overload: 64 clients (the default --max-inflight) each sending a
 * 5 MiB body (the default --max-body) at once must not take the server past 1 GiB RSS — a small VM
 * would be killed — on both builds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';

describe.each(TARGETS)('ingest memory under overload (%s)', (target) => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.kill9();
  });

  it('peaks under 1 GiB with 64 concurrent 5 MiB uploads', async () => {
    p = await startProduct(target);
    const line = JSON.stringify({ type: 'agent.step', agent_id: 'agent-1', data: { text: 'x'.repeat(400) } }) + '\n';
    const body = line.repeat(Math.floor((5 * 1024 * 1024) / line.length) - 1);
    let peakKb = 0;
    const sampler = setInterval(() => (peakKb = Math.max(peakKb, p!.rssKb())), 50);
    const codes = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        const r = await fetch(`${p!.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        await r.text();
        codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
      }),
    );
    clearInterval(sampler);
    expect([...codes.keys()].every((c) => c === 202 || c === 429)).toBe(true);
    expect(peakKb / 1024, `peak RSS ${Math.round(peakKb / 1024)} MiB`).toBeLessThan(1024);
  }, 180_000);
});
