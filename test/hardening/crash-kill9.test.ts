/**
 * kill -9 at random moments during heavy ingest, then restart on the same data dir: every event that
 * got a 202 is there (read back through the `since=0` replay), nothing is half-written or doubled, and
 * seq never goes back. Rounds: AUREN_CRASH_ROUNDS (default 3 for the binary, 2 for the Node build).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Target } from '../helpers/binary.js';
import { IngestLoad } from './support/ingest-load.js';
import { startProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';

const ROUNDS: Record<Target, number> = {
  'bun-binary': Number(process.env.AUREN_CRASH_ROUNDS ?? 3),
  node: Number(process.env.AUREN_CRASH_ROUNDS ?? 2),
};

/** Checks the store as a resuming client sees it and returns its highest seq. */
async function verify(url: string, acked: Set<string>, lastSeqBefore: number): Promise<number> {
  const { events, doneSeq } = await replayAll(url, undefined, 'since=0', 120_000);
  const ids = new Set<string>();
  let prev = 0;
  for (const e of events) {
    const seq = e.seq as number;
    // One replay frame per tier per chunk: order is by seq only within a tier, so sort check below.
    expect(ids.has(e.id as string), `event ${String(e.id)} appears twice`).toBe(false);
    ids.add(e.id as string);
    // Nothing half-written: every stored event is whole.
    const n = Number(String(e.id).split('-').pop());
    expect(e.data, `event ${String(e.id)} lost its data`).toEqual({ n, pad: 'x'.repeat(200) });
    expect(e.agent_id).toBe(`agent-${n % 7}`);
    prev = Math.max(prev, seq);
  }
  const seqs = events.map((e) => e.seq as number).sort((a, b) => a - b);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
  const missing = [...acked].filter((id) => !ids.has(id));
  expect(missing.slice(0, 5), `${missing.length} acknowledged events are missing`).toEqual([]);
  expect(doneSeq).toBeGreaterThanOrEqual(lastSeqBefore);
  return Math.max(prev, doneSeq);
}

describe.each(Object.keys(ROUNDS) as Target[])('kill -9 during heavy ingest (%s)', (target) => {
  const procs: Product[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill9();
  });

  it(`loses nothing acknowledged over ${ROUNDS[target]} crashes`, async () => {
    const acked = new Set<string>();
    let dataDir: string | undefined;
    let lastSeq = 0;
    let requests = 0;
    for (let round = 0; round <= ROUNDS[target]; round++) {
      const p = await startProduct(target, { dataDir });
      procs.push(p);
      dataDir = p.dataDir;
      lastSeq = await verify(p.url, acked, lastSeq);
      if (round === ROUNDS[target]) {
        // After the last restart new events continue the sequence.
        const r = await fetch(p.url + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"after.crash","id":"after-0","data":{"n":0,"pad":"' + 'x'.repeat(200) + '"},"agent_id":"agent-0"}' });
        expect(r.status).toBe(202);
        const { events } = await replayAll(p.url, undefined, `since=${lastSeq}`);
        expect(events.map((e) => e.id)).toEqual(['after-0']);
        expect(events[0].seq as number).toBeGreaterThan(lastSeq);
        await p.stop();
        break;
      }
      const load = new IngestLoad({ url: p.url, prefix: `r${round}`, workers: 4, batch: 100 }).start();
      // A random moment: early (mid first commits) to well into steady ingest.
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 1500));
      await p.kill9();
      const stats = await load.stop();
      requests += stats.requests;
      for (const id of stats.acked) acked.add(id);
      expect(stats.acked.size, 'the load generator got no 202 before the kill').toBeGreaterThan(0);
    }
    expect(acked.size).toBeGreaterThan(0);
    expect(requests).toBeGreaterThan(0);
  }, 240_000);
});
