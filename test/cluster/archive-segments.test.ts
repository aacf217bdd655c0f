/**
 * Archive coordination across nodes on the real NATS: three nodes cut the log into segments at once
 * and archive them; one node dies holding a segment. Every seq lands in exactly one finished segment,
 * the watermark reaches the end, and retention never purges past it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveSegment } from '../../src/cluster/archive-coordinator.js';
import type { JetStreamEventLog } from '../../src/cluster/jetstream-event-log.js';
import { openClusterLog } from '../../src/cluster/open-cluster-log.js';
import { runSegmentWorker } from '../../src/cluster/segment-worker.js';
import { systemClock } from '../../src/core/clock.js';
import type { EventDraft } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { deleteStreams, NATS_URL, uniqueStream } from './nats-helpers.js';

const stream = uniqueStream('ARC');
afterAll(() => deleteStreams(stream));

function open(archive = 'file:///unused'): Promise<JetStreamEventLog> {
  return openClusterLog({
    config: { cluster: NATS_URL, clusterStream: stream, dedupWindowMs: 60_000, retention: { critical: 1, operational: 1, analytical: 1 }, archive },
    clock: systemClock,
    logger: silentLogger,
    segmentAckWaitMs: 1500,
  });
}

function drafts(from: number, n: number): EventDraft[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => ({ id: `a-${from + i}`, ts: now, received_at: now, project: 'default', type: 'agent.step', tier: 'operational' }));
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('archive segments shared by the nodes', () => {
  it('hands every seq to exactly one finished segment, even when a node dies holding one', async () => {
    const logs = await Promise.all([open(), open(), open()]);
    const done: (ArchiveSegment & { node: number })[] = [];
    const aborts = logs.map(() => new AbortController());
    let held: ArchiveSegment | undefined;
    for (const [node, log] of logs.entries()) {
      const coord = log.archiveCoordinator;
      coord.start({ flushMs: 150, maxEvents: 40 });
      void runSegmentWorker(
        coord,
        aborts[node].signal,
        async (seg) => {
          if (node === 2 && !held) {
            held = seg; // this node "dies" mid-upload: it never finishes nor gives the segment back
            await new Promise(() => {});
          }
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
          done.push({ ...seg, node });
        },
        { logger: silentLogger, claimWaitMs: 1000, keepAliveMs: 100_000 },
      );
    }
    // Retention is 1 ms for every tier, yet nothing unarchived may be purged.
    await logs[0].append(drafts(0, 30));
    expect(await logs[0].purger.purgeOnce()).toBe(0);
    // A node that does not archive itself still waits for the cluster's archive before purging.
    const bystander = await open('none');
    await bystander.archiveCoordinator.refresh();
    expect(bystander.archiveCoordinator.archiving).toBe(true);
    expect(await bystander.purger.purgeOnce()).toBe(0);
    await bystander.close();
    let last = 30;
    for (let i = 30; i < 400; i += 30) {
      const r = await logs[i % 3].append(drafts(i, 30));
      last = Math.max(last, ...r.stored.map((e) => e.seq));
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(() => held !== undefined, 10_000, 'node 2 never claimed a segment');
    await logs[2].close(); // the node holding a segment is gone
    aborts[2].abort();

    expect(last).toBe(420); // 30 + 13 batches of 30
    await until(() => done.reduce((n, s) => n + s.to - s.from + 1, 0) >= last, 20_000, 'segments did not cover the log');
    const sorted = [...done].sort((x, y) => x.from - y.from);
    let next = 1;
    for (const s of sorted) {
      expect(s.from).toBe(next); // no gap, no overlap
      expect(s.to).toBeGreaterThanOrEqual(s.from);
      expect(s.to - s.from + 1).toBeLessThanOrEqual(40);
      next = s.to + 1;
    }
    expect(next).toBe(last + 1);
    // The dead node's segment was finished by another node.
    const redone = sorted.find((s) => s.from === held!.from)!;
    expect(redone.to).toBe(held!.to);
    expect(redone.node).not.toBe(2);
    expect(new Set(done.map((s) => s.node)).size).toBeGreaterThan(1);

    // The workers record a segment just before marking it done: give the last acks a moment.
    const coord = logs[0].archiveCoordinator;
    for (let i = 0; i < 50 && coord.archivedThrough() < last; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await coord.refresh();
    }
    expect(coord.archivedThrough()).toBe(last);
    // Everything is archived and past retention: all but the newest message goes (a purge never
    // reaches past the last message, see RetentionPurger).
    expect(await logs[0].purger.purgeOnce()).toBe(last - 1);
    for (const a of aborts) a.abort();
    await Promise.all([logs[0].close(), logs[1].close()]);
  }, 60_000);
});
