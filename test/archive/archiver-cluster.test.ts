/**
 * The archive in cluster mode on the machine's NATS JetStream: two nodes share the event log and one
 * archive folder; the coordinator hands each segment to one node, so every event lands once, under
 * names that are the same whichever node wrote them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createArchiveModule, type ArchiveModule } from '../../src/archive/archive-module.js';
import { clusterWriter } from '../../src/archive/cluster-archiver.js';
import { parseKey } from '../../src/archive/key-layout.js';
import { tempDir } from '../helpers/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';
import { deleteStreams, NATS_URL } from '../cluster/nats-helpers.js';
import { archivedRows } from './helpers/duckdb.js';
import { mixedEvents } from './helpers/events.js';
import { until } from './helpers/wait.js';

const stream = `ARC_${process.pid}_${Date.now().toString(36)}`;
afterAll(() => deleteStreams(stream));

describe('archive in cluster mode (NATS JetStream)', () => {
  it('two nodes archive the shared log into one folder, every event exactly once', async () => {
    const dir = tempDir('auren-cluster-archive-');
    const nodes: TestServer[] = [];
    for (let i = 0; i < 2; i++) {
      nodes.push(
        await startTestServer({
          config: { archive: `file://${dir}`, archiveFlushMs: 200, cluster: NATS_URL, clusterStream: stream },
          modules: [createArchiveModule({ maxRows: 150 })],
        }),
      );
    }
    let accepted = 0;
    for (let round = 0; round < 6; round++) {
      const node = nodes[round % 2];
      accepted += (await postEvents(node.url, mixedEvents(100, `c${round}`))).json.accepted as number;
    }
    expect(accepted).toBe(600);
    const archivers = nodes.map((n) => (n.modules[0] as ArchiveModule).archiver!);
    await until(() => archivers.every((a) => a.backlog() === 0 && a.archivedSeq() >= nodes[0].ctx.log.lastSeq()), 30_000, 'cluster archive caught up');
    const segmentsByNode = archivers.map((a) => a.stats.segmentsDone);
    for (const n of nodes) await n.stop();

    const rows = await archivedRows(dir);
    expect(rows.length).toBe(600);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(600);
    expect(new Set(rows.map((r) => r.id)).size).toBe(600);
    const writers = new Set(rows.map((r) => parseKey(r.file.slice(dir.length + 1))!.writer));
    expect(writers).toEqual(new Set([clusterWriter(stream)]));
    expect(segmentsByNode.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4); // 600 events, 150 per segment
    for (const n of nodes) expect(n.errors).toEqual([]);
  });

  it('compresses at the catch-up level while two segments or more wait, every event still once', async () => {
    const catchUpStream = `${stream}_CU`;
    const dir = tempDir('auren-cluster-catch-up-');
    const node = await startTestServer({
      config: { archive: `file://${dir}`, archiveFlushMs: 200, cluster: NATS_URL, clusterStream: catchUpStream },
      modules: [createArchiveModule({ maxRows: 150 })],
    });
    try {
      // 1,500 events in one request: ten segments' worth waits at once.
      expect((await postEvents(node.url, mixedEvents(1500, 'cu'))).json.accepted).toBe(1500);
      const archiver = (node.modules[0] as ArchiveModule).archiver!;
      await until(() => archiver.backlog() === 0 && archiver.archivedSeq() >= node.ctx.log.lastSeq(), 30_000, 'cluster archive caught up');
      expect(archiver.stats.catchUpSegments).toBeGreaterThan(0);
      expect(archiver.stats.catchUpSegments).toBeLessThan(archiver.stats.segmentsDone);
      await node.stop();
      const rows = await archivedRows(dir);
      expect(rows.length).toBe(1500);
      expect(new Set(rows.map((r) => r.seq)).size).toBe(1500);
      expect(node.errors).toEqual([]);
    } finally {
      await deleteStreams(catchUpStream);
    }
  });
});
