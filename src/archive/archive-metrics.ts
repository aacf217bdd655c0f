/** Prometheus metrics of the archive: backlog, lag, uploads, failures, bytes, expiry. */
import type { Metrics } from '../telemetry/metrics.js';
import type { ArchiveStats } from './archive-stats.js';

/** What metrics and readiness need from an archiver (single node or cluster). */
export interface ArchiveProgressView {
  readonly stats: ArchiveStats;
  archivedSeq(): number;
  backlog(): number;
  lagSeconds(): number;
  /** Whether segments are encoded off the event loop (undefined: always on it, as in cluster mode). */
  readonly encoder?: { offThread(): boolean };
}

export function registerArchiveMetrics(metrics: Metrics, a: ArchiveProgressView): void {
  const s = a.stats;
  metrics.gauge('auren_archive_backlog_events', 'Committed events not yet in the archive (queued in the store)', () => a.backlog());
  metrics.gauge('auren_archive_lag_seconds', 'How long the oldest event not yet archived has waited', () => a.lagSeconds());
  metrics.gauge('auren_archive_archived_seq', 'Every seq up to this one is in the archive', () => a.archivedSeq());
  metrics.gauge('auren_archive_target_up', '1 while uploads to the archive target succeed, 0 while they fail', () => (s.failingSince === undefined ? 1 : 0));
  metrics.gauge('auren_archive_last_upload_timestamp_seconds', 'When an archive segment was last uploaded', () => (s.lastUploadAt ?? 0) / 1000);
  metrics.counter('auren_archive_uploads_total', 'Archive objects uploaded (ok) and segment uploads that failed (failed)', () => ({ ok: s.uploadsOk, failed: s.uploadsFailed }), 'result');
  metrics.counter('auren_archive_uploaded_bytes_total', 'Parquet bytes uploaded to the archive', () => s.bytesUploaded);
  metrics.counter('auren_archive_events_total', 'Events written to the archive', () => s.eventsArchived);
  metrics.counter('auren_archive_catch_up_segments_total', 'Archive segments compressed at the faster catch-up level because the archive was behind', () => s.catchUpSegments);
  metrics.gauge('auren_archive_encoder_thread', '1 while archive segments are read and encoded on a worker thread, 0 on the event loop', () => (a.encoder?.offThread() ? 1 : 0));
  metrics.counter('auren_archive_expired_objects_total', 'Archive objects deleted by --archive-retention', () => s.objectsExpired);
}
