/**
 * Cluster mode's entry point for the server assembly: connects to NATS, sets up the streams and
 * returns the JetStream event log, already following the stream from its current end.
 */
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Metrics } from '../telemetry/metrics.js';
import { registerClusterMetrics } from './cluster-metrics.js';
import type { JetStreamEventLog } from './jetstream-event-log.js';
import { checkStreamName } from './names.js';

export interface ClusterLogOptions {
  config: Pick<Config, 'cluster' | 'clusterStream' | 'dedupWindowMs' | 'retention' | 'archive'> & { clusterReplicas?: number };
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** How long to keep trying to reach NATS at start (default 15 s, so nodes may start alongside it). */
  connectWaitMs?: number;
  /** Ack wait of the archive segment consumer when this node creates it (default 60 s). */
  segmentAckWaitMs?: number;
}

export async function openClusterLog(o: ClusterLogOptions): Promise<JetStreamEventLog> {
  const { config, logger } = o;
  if (!config.cluster) throw new Error('--cluster / AUREN_CLUSTER is not set');
  const stream = checkStreamName(config.clusterStream);
  const replicas = config.clusterReplicas ?? 1;
  const archive = config.archive !== 'none';
  // The NATS client loads only in cluster mode: a single node never pays for evaluating it at start.
  const [{ JetStreamEventLog }, { openConnection }, { ensureArchiveStream, ensureEventStream }] = await Promise.all([
    import('./jetstream-event-log.js'),
    import('./nats-connection.js'),
    import('./stream-setup.js'),
  ]);
  const conn = await openConnection(config.cluster, logger, o.connectWaitMs);
  try {
    const jsm = await conn.nc.jetstreamManager({ timeout: 5000 });
    const js = conn.nc.jetstream({ timeout: 5000 });
    const settings = { stream, replicas, dedupWindowMs: config.dedupWindowMs, segmentAckWaitMs: o.segmentAckWaitMs };
    const info = await ensureEventStream(jsm, settings);
    if (archive) await ensureArchiveStream(jsm, settings);
    const log = new JetStreamEventLog({ conn, jsm, js, stream, startAfter: info.state.last_seq, retention: config.retention, archive, clock: o.clock, logger });
    await log.start();
    if (o.metrics) registerClusterMetrics(o.metrics, log);
    logger.info('cluster mode on NATS JetStream', { stream, replicas, lastSeq: info.state.last_seq });
    return log;
  } catch (err) {
    await conn.close();
    throw err;
  }
}
