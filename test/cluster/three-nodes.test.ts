/**
 * Three real Auren processes (two compiled binaries and one Node build) forming a cluster on the
 * machine's NATS JetStream: cross-node streaming, dedup across nodes, kill -9 of a node mid-ingest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStream, postEvents } from '../helpers/ws-client.js';
import { batch, checkOrder, ingestLoop, replayAll, restartNode, startNode, type Node } from './cluster-helpers.js';
import { deleteStreams, NATS_URL, uniqueStream } from './nats-helpers.js';

describe('a three-node cluster on NATS JetStream', () => {
  const stream = uniqueStream('3N');
  let nodes: Node[] = [];

  beforeAll(async () => {
    nodes = await Promise.all([startNode('bun-binary', NATS_URL, stream), startNode('node', NATS_URL, stream), startNode('bun-binary', NATS_URL, stream)]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.p.stop()));
    await deleteStreams(stream);
  });

  it('streams events posted to one node to clients of the others, same seqs, in tier order', async () => {
    const [a, b, c] = nodes;
    const onB = await connectStream(b.p.url);
    const onC = await connectStream(c.p.url, 'tiers=critical');
    const events = batch('x', 60);
    const r = await postEvents(a.p.url, events);
    expect(r.status).toBe(202);
    expect(r.json.accepted).toBe(60);
    await onB.until(() => onB.events().length === 60, 10_000);
    const critical = events.filter((e) => e.type === 'agent.error').length;
    await onC.until(() => onC.events().length === critical, 10_000);
    expect(new Set(onB.events().map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(checkOrder(onB.events())).toBeUndefined();
    const seqOnB = new Map(onB.events().map((e) => [e.id, e.seq]));
    for (const e of onC.events()) expect(e.seq).toBe(seqOnB.get(e.id));
    onB.close();
    onC.close();
  });

  it('stores an id once when it reaches two nodes, one after the other or at once', async () => {
    const [a, b, c] = nodes;
    const first = await postEvents(a.p.url, { id: 'dup-1', type: 'agent.step', data: { v: 1 } });
    const again = await postEvents(b.p.url, { id: 'dup-1', type: 'agent.step', data: { v: 2 } });
    expect(first.json).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 1 });
    const racing = await Promise.all([a, b, c].map((n) => postEvents(n.p.url, [{ id: 'dup-2', type: 'agent.step' }, { id: `own-${n.p.url}`, type: 'agent.step' }])));
    expect(racing.reduce((s, r) => s + (r.json.accepted as number), 0)).toBe(4);
    expect(racing.reduce((s, r) => s + (r.json.duplicates as number), 0)).toBe(2);
    const stored = await replayAll(c.p.url);
    expect(stored.filter((e) => e.id === 'dup-1').length).toBe(1);
    expect(stored.filter((e) => e.id === 'dup-1')[0].data).toEqual({ v: 1 });
    expect(stored.filter((e) => e.id === 'dup-2').length).toBe(1);
  });

  it('keeps every acked event when a node is killed -9 mid-ingest; the node comes back and catches up', async () => {
    const [a, b, victim] = nodes;
    const live = await connectStream(b.p.url);
    const load = ingestLoop(() => [a.p.url, victim.p.url], 'k9');
    await new Promise((r) => setTimeout(r, 800));
    await victim.p.kill9();
    await new Promise((r) => setTimeout(r, 500));
    const { acked, statuses } = await load.stop();
    expect(statuses.get(202) ?? 0).toBeGreaterThan(5);
    expect(acked.size).toBeGreaterThan(100);
    // Every acked event is stored once, in order, as any surviving node replays it...
    for (const n of [a, b]) {
      const stored = await replayAll(n.p.url);
      const ids = new Set(stored.map((e) => e.id));
      for (const id of acked) expect(ids.has(id), `${id} on ${n.target}`).toBe(true);
      expect(checkOrder(stored)).toBeUndefined();
    }
    // ...and reached the live client on another node too.
    await live.until(() => [...acked].every((id) => live.events().some((e) => e.id === id)), 10_000);
    live.close();

    // The killed node restarts on its data dir, replays everything and follows new events.
    const back = await restartNode(victim, NATS_URL, stream);
    nodes[2] = back;
    const watch = await connectStream(back.p.url);
    const stored = await replayAll(back.p.url);
    const ids = new Set(stored.map((e) => e.id));
    for (const id of acked) expect(ids.has(id)).toBe(true);
    const after = batch('after', 5);
    expect((await postEvents(a.p.url, after)).status).toBe(202);
    await watch.until(() => watch.events().length === 5, 10_000);
    expect(watch.events().map((e) => e.id)).toEqual(expect.arrayContaining(after.map((e) => e.id)));
    watch.close();
  });
});
