/**
 * WAL checkpoints run on their own thread in both builds (not inside an ingest commit), keep up with
 * ingest, and a kill -9 in the middle loses nothing that was acknowledged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { restartProduct, startProduct, type Product } from '../hardening/support/product.js';

async function metric(url: string, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = line.exec(text);
  return m ? Number(m[1]) : undefined;
}

describe.each(TARGETS)('checkpoint thread (%s)', (target) => {
  const procs: Product[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill9();
  });

  it('checkpoints in the background while ingest runs, and a kill -9 loses no acknowledged event', async () => {
    const p = await startProduct(target);
    procs.push(p);
    expect(await metric(p.url, /^auren_store_checkpoint_thread (\d+)$/m)).toBe(1);
    let accepted = 0;
    for (let r = 0; r < 40; r++) {
      let body = '';
      for (let i = 0; i < 500; i++) body += `{"type":"agent.step","id":"c${r}-${i}","data":{"text":"step ${r}-${i} ${"x".repeat(300)}"}}\n`;
      const res = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      expect(res.status).toBe(202);
      accepted += ((await res.json()) as { accepted: number }).accepted;
    }
    // The thread reports what the WAL holds and how much of it is in the database file.
    await expect.poll(() => metric(p.url, /^auren_store_wal_frames\{kind="checkpointed"\} (\d+)$/m), { timeout: 10_000 }).toBeGreaterThan(0);
    await p.kill9();
    const q = await restartProduct(p);
    procs.push(q);
    expect(await metric(q.url, /^auren_store_last_seq (\d+)$/m)).toBe(accepted);
    expect(accepted).toBe(20_000);
  }, 120_000);
});
