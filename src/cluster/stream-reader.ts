/**
 * Reads stored events back from the stream (`since` replays, dashboards rebuilding, the archiver):
 * an ephemeral consumer from afterSeq+1 on the narrowest subject filter, pulled until `limit`
 * matching events or the end of the stream as it was when the read began.
 */
import { AckPolicy, DeliverPolicy, nanos, type JetStreamManager, type NatsConnection } from 'nats';
import type { StoredEvent } from '../core/event.js';
import type { ReadOptions } from '../store/event-log.js';
import { decodeEvent } from './event-codec.js';
import { eventFilter } from './names.js';
import { pullBatch } from './pull-batch.js';

const PULL = 1000;
const MAX_EMPTY_PULLS = 8;

export interface ReaderDeps {
  jsm: JetStreamManager;
  nc: NatsConnection;
  stream: string;
  /** A lower bound of the stream's last seq now (what this node has seen acked or delivered). */
  streamEnd: () => number;
}

export interface StreamRead {
  events: StoredEvent[];
  /** Every matching event up to this seq is in `events` (or beyond `limit`). */
  scannedThrough: number;
}

/** Matches a read's project and tier options. */
export function readFilter(opts: ReadOptions): ((e: StoredEvent) => boolean) | undefined {
  const { projects, tiers } = opts;
  if (!projects && !tiers) return undefined;
  return (e) => (!projects || projects.includes(e.project)) && (!tiers || tiers.includes(e.tier));
}

export async function readStream(d: ReaderDeps, afterSeq: number, limit: number, opts: ReadOptions = {}): Promise<StreamRead> {
  const { projects, tiers } = opts;
  if (limit <= 0 || projects?.length === 0 || tiers?.length === 0) return { events: [], scannedThrough: afterSeq };
  // NATS 2.9 filters on one subject: several projects or tiers are narrowed down here.
  const exact = (projects === undefined || projects.length === 1) && (tiers === undefined || tiers.length === 1);
  const keep = exact ? undefined : readFilter(opts);
  // Known to exist before the consumer does: once nothing is pending, every match up to it was seen.
  const knownEnd = d.streamEnd();
  const ci = await createConsumer(d, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(0, afterSeq) + 1,
    filter_subject: eventFilter(d.stream, projects, tiers),
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(30_000),
  });
  const out: StoredEvent[] = [];
  let seen = afterSeq;
  try {
    let left = ci.num_pending;
    if (left === 0) return { events: out, scannedThrough: Math.max(afterSeq, knownEnd) };
    let empty = 0;
    while (left > 0 && out.length < limit) {
      const want = Math.min(left, PULL, keep ? PULL : limit - out.length);
      const { messages } = await pullBatch(d.nc, d.stream, ci.name, want);
      if (messages.length === 0) {
        // A fresh consumer may end the first pulls early (408): pull again, briefly backing off.
        if (++empty > MAX_EMPTY_PULLS) throw new Error(`the stream stopped answering while reading after seq ${afterSeq}`);
        await new Promise((r) => setTimeout(r, 5 * empty));
        continue;
      }
      empty = 0;
      for (const m of messages) {
        left = m.pending;
        seen = m.seq;
        const e = decodeOrSkip(m.seq, m.data);
        if (e && (!keep || keep(e))) out.push(e);
        if (out.length >= limit) break;
      }
    }
    return { events: out, scannedThrough: left === 0 ? Math.max(seen, knownEnd) : seen };
  } finally {
    void d.jsm.consumers.delete(d.stream, ci.name).catch(() => {});
  }
}

type ConsumerConfig = Parameters<JetStreamManager['consumers']['add']>[1];

/**
 * A healthy cluster creates a read consumer in milliseconds. While it fails over — a new meta leader
 * being elected, or the consumer placed on a server that just died — attempts time out; short
 * attempts within a budget ride that out where three of 5 s each did not always (seen here: a read
 * right after one server of three was killed timed out three times in a row).
 */
const CREATE_TIMEOUT_MS = 2000;
const CREATE_BUDGET_MS = 20_000;

/** A manager whose API requests wait CREATE_TIMEOUT_MS, one per connection. */
const readManagers = new WeakMap<NatsConnection, Promise<JetStreamManager>>();

function readManager(nc: NatsConnection): Promise<JetStreamManager> {
  let m = readManagers.get(nc);
  if (!m) {
    m = nc.jetstreamManager({ timeout: CREATE_TIMEOUT_MS, checkAPI: false });
    readManagers.set(nc, m);
  }
  return m;
}

/** Creates the read consumer; retried on timeouts and 503s (a failover) for up to CREATE_BUDGET_MS. */
async function createConsumer(d: ReaderDeps, config: ConsumerConfig) {
  const jsm = await readManager(d.nc);
  const deadline = Date.now() + CREATE_BUDGET_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      // An attempt that timed out may still have created its consumer: inactive_threshold removes it.
      return await jsm.consumers.add(d.stream, config);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const pause = Math.min(250 * attempt, 1000);
      if (!(code === 'TIMEOUT' || code === '503') || Date.now() + pause + CREATE_TIMEOUT_MS > deadline) throw err;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

function decodeOrSkip(seq: number, data: Uint8Array): StoredEvent | undefined {
  try {
    return decodeEvent(seq, data);
  } catch {
    return undefined; // not an Auren event (someone published to our subjects): never replayed
  }
}
