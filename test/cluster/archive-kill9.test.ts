/**
 * The end-to-end check: three nodes archive the shared log to one S3 bucket (s3rver); one node
 * is killed -9 during ingest, maybe holding a segment. Every acked event is streamed by the others and
 * archived exactly once (read back with DuckDB), and the restarted node catches up.
 */
import { connect } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureArchiveStream } from '../../src/cluster/stream-setup.js';
import { archivedRows } from '../archive/helpers/duckdb.js';
import { S3_ENV, S3rverProcess } from '../archive/helpers/s3rver.js';
import { spawnAuren } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { checkOrder, ingestLoop, replayAll, type Node } from './cluster-helpers.js';
import { deleteStreams, NATS_URL, uniqueStream } from './nats-helpers.js';

const stream = uniqueStream('K9A');
let s3: S3rverProcess | undefined;
let nodes: Node[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.p.stop()));
  await s3?.down();
  await deleteStreams(stream);
});

async function archivingNode(dataDir = tempDir('auren-k9a-')): Promise<Node> {
  const args = ['serve', '--port', '0', '--data-dir', dataDir, '--cluster', NATS_URL, '--cluster-stream', stream,
    '--archive', 's3://auren-k9/events', '--s3-endpoint', s3!.endpoint, '--archive-flush', '300ms'];
  const p = await spawnAuren('bun-binary', args, { ...S3_ENV, AUREN_LOG_LEVEL: 'warn' });
  return { p, dataDir, target: 'bun-binary', args };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url + '/metrics')).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

describe('kill -9 of an archiving node in a three-node cluster', () => {
  it('streams and archives every acked event exactly once; the node restarts and catches up', async () => {
    s3 = await S3rverProcess.start();
    await s3.createBucket('auren-k9');
    // A short claim timeout, so the dead node's segment is handed to another node within the test.
    const nc = await connect({ servers: NATS_URL.replace('nats://', '') });
    await ensureArchiveStream(await nc.jetstreamManager(), { stream, replicas: 1, dedupWindowMs: 600_000, segmentAckWaitMs: 3000 });
    await nc.close();
    nodes = await Promise.all([archivingNode(), archivingNode(), archivingNode()]);
    const [a, b, victim] = nodes;

    const load = ingestLoop(() => [a.p.url, victim.p.url, b.p.url], 'k9a', 50);
    await new Promise((r) => setTimeout(r, 1500));
    await victim.p.kill9();
    await new Promise((r) => setTimeout(r, 700));
    const { acked } = await load.stop();
    expect(acked.size).toBeGreaterThan(200);

    const stored = await replayAll(b.p.url);
    const ids = new Set(stored.map((e) => e.id));
    expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
    expect(checkOrder(stored)).toBeUndefined();
    const last = Math.max(...stored.map((e) => e.seq as number));

    // The killed node comes back on its data dir and takes part again.
    nodes[2] = await archivingNode(victim.dataDir);
    const again = await replayAll(nodes[2].p.url);
    expect(again.length).toBe(stored.length);

    const deadline = Date.now() + 45_000;
    while ((await metric(a.p.url, 'auren_cluster_archived_through_seq')) < last) {
      if (Date.now() > deadline) throw new Error(`archive did not reach seq ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await Promise.all(nodes.map((n) => n.p.stop()));

    const { dir } = await s3.download('auren-k9', 'events/');
    const rows = await archivedRows(dir);
    const bySeq = new Map<number, number>();
    for (const r of rows) bySeq.set(r.seq, (bySeq.get(r.seq) ?? 0) + 1);
    expect([...bySeq.values()].filter((n) => n > 1)).toEqual([]);
    const archivedIds = new Set(rows.map((r) => r.id));
    expect([...acked].filter((id) => !archivedIds.has(id))).toEqual([]);
    expect(rows.length).toBe(stored.length);
  }, 120_000);
});
