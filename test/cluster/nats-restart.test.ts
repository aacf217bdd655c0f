/**
 * NATS itself dies (kill -9) during ingest and comes back: ingest answers 503 meanwhile, /readyz is
 * red, nothing acked is lost, live clients stay connected and catch up, and it all recovers by itself.
 * Runs its own nats-server on a free port, so the machine's shared one is never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStream } from '../helpers/ws-client.js';
import { freePort } from '../helpers/free-port.js';
import { checkOrder, ingestLoop, replayAll, startNode, type Node } from './cluster-helpers.js';
import { PrivateNats } from './nats-helpers.js';

async function ready(url: string): Promise<number> {
  try {
    return (await fetch(url + '/readyz')).status;
  } catch {
    return 0;
  }
}

async function waitFor(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > ms) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('NATS restarted during ingest', () => {
  let nats: PrivateNats;
  let nodes: Node[] = [];

  beforeAll(async () => {
    nats = new PrivateNats(await freePort());
    await nats.start();
    nodes = await Promise.all([startNode('bun-binary', nats.url, 'RESTART'), startNode('bun-binary', nats.url, 'RESTART')]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.p.stop()));
    await nats.dispose();
  });

  it('answers 503 while NATS is down, loses nothing acked, and recovers by itself', async () => {
    const [a, b] = nodes;
    const live = await connectStream(b.p.url);
    const load = ingestLoop(() => [a.p.url], 'nr');
    await new Promise((r) => setTimeout(r, 700));

    await nats.kill();
    await waitFor(async () => (await ready(a.p.url)) === 503, 5000, 'readyz did not turn red');
    const during = new Map(load.record.statuses);
    await new Promise((r) => setTimeout(r, 1000));
    const downStatuses = [...load.record.statuses].filter(([k, v]) => v > (during.get(k) ?? 0)).map(([k]) => k);
    expect(downStatuses).toEqual([503]);
    // The live client on the other node is still connected (the node keeps serving).
    expect(live.ws.readyState).toBe(live.ws.OPEN);

    await nats.start();
    await waitFor(async () => (await ready(a.p.url)) === 200 && (await ready(b.p.url)) === 200, 20_000, 'nodes did not become ready again');
    const acceptedBefore = load.record.statuses.get(202) ?? 0;
    await waitFor(async () => (load.record.statuses.get(202) ?? 0) > acceptedBefore + 5, 10_000, 'ingest did not recover');
    const { acked, statuses } = await load.stop();
    expect(statuses.get(503)).toBeGreaterThan(0);

    const stored = await replayAll(b.p.url);
    const ids = new Set(stored.map((e) => e.id));
    const lost = [...acked].filter((id) => !ids.has(id));
    expect(lost).toEqual([]);
    expect(checkOrder(stored)).toBeUndefined();
    // The live client on B got every acked event, those from after the restart included.
    await live.until(() => [...acked].every((id) => live.events().some((e) => e.id === id)), 15_000);
    expect(checkOrder(live.events())).toBeUndefined();
    live.close();
  });
});
