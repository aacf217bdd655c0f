/** Spawning cluster nodes (the built product) and driving them: ingest loops, full replays. */
import { tempDir } from '../helpers/config.js';
import { spawnAuren, type Spawned, type Target } from '../helpers/binary.js';
import { connectStream, postEvents } from '../helpers/ws-client.js';

export interface Node {
  p: Spawned;
  dataDir: string;
  target: Target;
  args: string[];
}

export async function startNode(target: Target, natsUrl: string, stream: string, dataDir = tempDir('auren-cluster-'), extra: string[] = []): Promise<Node> {
  const args = ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none', '--cluster', natsUrl, '--cluster-stream', stream, ...extra];
  const p = await spawnAuren(target, args, { AUREN_LOG_LEVEL: 'warn' });
  return { p, dataDir, target, args };
}

/** Restarts a node on the same data dir (a new port). */
export async function restartNode(n: Node, natsUrl: string, stream: string): Promise<Node> {
  return startNode(n.target, natsUrl, stream, n.dataDir);
}

let serial = 0;
/** Distinct events (storm control coalesces identical ones on the live stream). */
export function batch(tag: string, size: number): Record<string, unknown>[] {
  return Array.from({ length: size }, () => {
    const n = serial++;
    const type = n % 10 === 0 ? 'agent.error' : n % 3 === 0 ? 'memory.formed' : 'agent.step';
    return { id: `${tag}-${n}`, type, agent_id: `agent-${n % 7}`, data: { n, text: `step ${n}` } };
  });
}

export interface IngestRecord {
  acked: Set<string>;
  statuses: Map<number | string, number>;
}

/**
 * Posts batches to `url` until stopped; remembers the ids of every batch answered 202 (durable
 * by contract) and counts the other outcomes (503, connection errors…).
 */
export function ingestLoop(urls: () => string[], tag: string, size = 20): { stop(): Promise<IngestRecord>; record: IngestRecord } {
  const record: IngestRecord = { acked: new Set(), statuses: new Map() };
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const list = urls();
      const url = list[i % list.length];
      const events = batch(tag, size);
      let key: number | string;
      try {
        const r = await postEvents(url, events);
        key = r.status;
        if (r.status === 202) for (const e of events) record.acked.add(e.id as string);
      } catch (err) {
        key = (err as Error & { cause?: { code?: string } }).cause?.code ?? 'error';
        await new Promise((r) => setTimeout(r, 20));
      }
      record.statuses.set(key, (record.statuses.get(key) ?? 0) + 1);
      if (key !== 202) await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    record,
    async stop() {
      running = false;
      await loop;
      return record;
    },
  };
}

/** Every stored event as one node replays it (`since=0` until `replay_done`). */
export async function replayAll(url: string, timeoutMs = 30_000): Promise<Record<string, unknown>[]> {
  const c = await connectStream(url, 'since=0');
  try {
    await c.until((f) => f.some((x) => x.type === 'replay_done'), timeoutMs);
    const done = c.frames.findIndex((x) => x.type === 'replay_done');
    return c.frames.slice(0, done).filter((f) => f.type === 'events').flatMap((f) => f.events as Record<string, unknown>[]);
  } finally {
    c.close();
  }
}

/** Checks seqs are unique, and only grow within each tier. */
export function checkOrder(events: Record<string, unknown>[]): string | undefined {
  const seen = new Set<number>();
  const last: Record<string, number> = {};
  for (const e of events) {
    const seq = e.seq as number;
    if (seen.has(seq)) return `seq ${seq} twice`;
    seen.add(seq);
    const tier = e.tier as string;
    if ((last[tier] ?? 0) >= seq) return `tier ${tier}: seq ${seq} after ${last[tier]}`;
    last[tier] = seq;
  }
  return undefined;
}
