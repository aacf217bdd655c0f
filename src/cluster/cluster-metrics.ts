/** Prometheus metrics of cluster mode: NATS connection, consumer lag, archive segments, retention. */
import type { Metrics } from '../telemetry/metrics.js';
import type { JetStreamEventLog } from './jetstream-event-log.js';

export function registerClusterMetrics(metrics: Metrics, log: JetStreamEventLog): void {
  const coord = log.archiveCoordinator;
  metrics.gauge('auren_cluster_connected', '1 while the node has a NATS connection', () => (log.connection.connected ? 1 : 0));
  metrics.counter('auren_cluster_reconnects_total', 'Times the NATS connection came back after a drop', () => log.connection.reconnects);
  metrics.gauge('auren_cluster_stream_last_seq', 'Highest seq known in the JetStream stream', () => log.streamLastSeq);
  metrics.gauge('auren_cluster_consumer_seq', 'Highest seq this node has handed to its stream clients and dashboards', () => log.tail.delivered);
  metrics.gauge('auren_cluster_consumer_lag_events', 'Events in the stream this node has not consumed yet', () => log.lag());
  metrics.counter('auren_cluster_consumer_restarts_total', 'Times the node replaced its stream consumer (reconnect, gap, stall)', () => log.tail.restarts);
  metrics.counter('auren_cluster_undecodable_total', 'Stream messages skipped because they are not Auren events', () => log.tail.undecodable);
  metrics.gauge('auren_cluster_publish_in_flight', 'Events published and waiting for their JetStream ack', () => log.inFlight);
  metrics.gauge('auren_cluster_archive_backlog_segments', 'Archive segments cut and not yet done', () => coord.backlog());
  metrics.gauge('auren_cluster_archived_through_seq', 'Every event up to this seq is archived (cluster-wide)', () => coord.archivedThrough());
  metrics.counter('auren_cluster_archive_cuts_total', 'Archive segments this node cut', () => coord.cuts);
  metrics.counter('auren_cluster_retention_purged_total', 'Events this node purged from the stream by tier retention', () => log.purger.purged);
}
