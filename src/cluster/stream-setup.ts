/**
 * Creates (or brings up to date) the JetStream objects a cluster needs: the event stream and the
 * archive segment stream with its durable consumer. Nodes starting together may race; every step
 * tolerates "already exists" and converges on the same configuration.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from 'nats';
import { archiveNames } from './names.js';

export interface StreamSettings {
  stream: string;
  replicas: number;
  dedupWindowMs: number;
  /** Ack wait of the archive consumer (default SEGMENT_ACK_WAIT_MS); shorter in tests. */
  segmentAckWaitMs?: number;
}

/** How long a node has to finish a segment (or report progress) before another node gets it. */
export const SEGMENT_ACK_WAIT_MS = 60_000;

export function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number }; message?: string };
  return e?.code === '404' || e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014 || /not found/i.test(e?.message ?? '');
}

async function ensure(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }, differs: (i: StreamInfo) => boolean): Promise<StreamInfo> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(cfg.name);
      if (!differs(info)) return info;
      return await jsm.streams.update(cfg.name, { ...info.config, ...cfg });
    } catch (err) {
      if (!isNotFound(err)) throw explain(cfg, err);
    }
    try {
      return await jsm.streams.add(cfg);
    } catch (err) {
      // Another node created it between our info and add: read it again.
      if (attempt < 3 && /already in use|exists/i.test((err as Error).message)) continue;
      throw explain(cfg, err);
    }
  }
}

function explain(cfg: Partial<StreamConfig> & { name: string }, err: unknown): Error {
  const msg = (err as Error).message;
  if (/insufficient resources|replicas/i.test(msg)) {
    return new Error(`JetStream cannot place stream ${cfg.name} with ${cfg.num_replicas} replicas (${msg}); lower --cluster-replicas / AUREN_CLUSTER_REPLICAS to at most the number of NATS servers`);
  }
  if (/jetstream not enabled|503/i.test(msg)) return new Error(`JetStream is not enabled on the NATS server (start nats-server with -js): ${msg}`);
  return new Error(`cannot set up JetStream stream ${cfg.name}: ${msg}`);
}

/** The event stream: one subject per project and tier, file storage, kept until retention purges it. */
export async function ensureEventStream(jsm: JetStreamManager, s: StreamSettings): Promise<StreamInfo> {
  const cfg = {
    name: s.stream,
    description: 'Auren Realtime events (cluster mode); the stream sequence is the event seq',
    subjects: [`${s.stream}.events.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: s.replicas,
    duplicate_window: nanos(s.dedupWindowMs),
    allow_direct: true,
  };
  return ensure(jsm, cfg, (i) => i.config.num_replicas !== cfg.num_replicas || i.config.duplicate_window !== cfg.duplicate_window);
}

/** The archive plan: one message per segment (seq range); the durable consumer hands them out. */
export async function ensureArchiveStream(jsm: JetStreamManager, s: StreamSettings): Promise<void> {
  const n = archiveNames(s.stream);
  await ensure(
    jsm,
    {
      name: n.stream,
      description: 'Auren Realtime archive segments: seq ranges of the event stream, each archived by one node',
      subjects: [n.subject],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: s.replicas,
    },
    (i) => i.config.num_replicas !== s.replicas,
  );
  const consumer = {
    durable_name: n.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(s.segmentAckWaitMs ?? SEGMENT_ACK_WAIT_MS),
    max_deliver: -1,
    max_ack_pending: 1000,
  };
  try {
    await jsm.consumers.info(n.stream, n.consumer);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.consumers.add(n.stream, consumer);
    } catch (e) {
      // Created meanwhile by another node with the same configuration: fine.
      if (!/already|exists/i.test((e as Error).message)) throw e;
    }
  }
}
