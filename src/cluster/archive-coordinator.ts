/**
 * The seam between the archiver and cluster mode: in a cluster the event log is cut into segments
 * (contiguous seq ranges), and each segment is handed to exactly one node at a time to archive.
 *
 * An archiver in cluster mode:
 * ```ts
 * const coord = archiveCoordinatorOf(ctx.log);        // undefined on a single node
 * coord.start({ flushMs: config.archiveFlushMs, maxEvents: 100_000 });
 * for (;;) {
 *   const seg = await coord.claim(5000);               // undefined: nothing to do yet
 *   if (!seg) continue;
 *   try {
 *     // read every event with seq in [seg.from, seg.to] (log.read pages), write one Parquet file per
 *     // tier/dt/hour named from (tier, dt, hour, seg.from, seg.to), upload; call seg.progress() meanwhile
 *     await seg.done();
 *   } catch { seg.retry(10_000); }
 * }
 * ```
 * Names derived from the range make a retry (after a crash or a redelivery) rewrite the same objects
 * with the same rows, so each event lands in the archive exactly once.
 */
import type { EventLog } from '../store/event-log.js';

export interface ArchiveSegment {
  /** First seq of the range (inclusive). */
  from: number;
  /** Last seq of the range (inclusive). Some seqs in between may hold no event (other subjects, purges). */
  to: number;
}

export interface SegmentClaim extends ArchiveSegment {
  /** How many times this segment was handed out before (0 = first time). */
  readonly attempt: number;
  /** Still working on it: call at least every 30 s during long uploads, or another node takes it over. */
  progress(): void;
  /** The segment's files are all uploaded: it is never handed out again. */
  done(): Promise<void>;
  /** Could not finish (e.g. the bucket is down): hand it out again after delayMs, maybe to another node. */
  retry(delayMs: number): void;
}

export interface SegmentPolicy {
  /** Cut a segment once the oldest uncut event has waited this long (`--archive-flush`). */
  flushMs: number;
  /** ... or once this many events wait (the archive's row cap). */
  maxEvents: number;
  /** ... or about this many bytes (estimated from the stream's average event size). */
  maxBytes?: number;
}

export interface ArchiveCoordinator {
  /** Starts cutting segments on this node (idempotent). Cutting is safe from any number of nodes. */
  start(policy: SegmentPolicy): void;
  /** The next segment for this node, or undefined when none came within waitMs. */
  claim(waitMs: number): Promise<SegmentClaim | undefined>;
  /** Every event with seq ≤ this is archived (cluster-wide); retention never purges past it. */
  archivedThrough(): number;
  /** Segments cut and not yet done (a backlog gauge). */
  backlog(): number;
}

/** A log that can hand out archive segments (the JetStream log in cluster mode). */
export interface CoordinatedLog extends EventLog {
  readonly archiveCoordinator: ArchiveCoordinator;
}

/** The archive coordinator of a cluster-mode log, or undefined on a single node. */
export function archiveCoordinatorOf(log: EventLog): ArchiveCoordinator | undefined {
  return (log as Partial<CoordinatedLog>).archiveCoordinator;
}
