/**
 * The archiver in cluster mode: the nodes share one event log (NATS JetStream) whose coordinator
 * cuts it into segments and hands each to one node at a time (src/cluster/archive-coordinator.ts).
 * A node archives the segments it claims under names made from the range and the cluster's stream,
 * so whichever node redoes a segment (after a crash or a handover) rewrites the same objects.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { ArchiveCoordinator, ArchiveSegment } from '../cluster/archive-coordinator.js';
import { runSegmentWorker } from '../cluster/segment-worker.js';
import type { EventLog } from '../store/event-log.js';
import { ArchiveStats } from './archive-stats.js';
import type { Codec } from './compression.js';
import type { ObjectTarget } from './object-target.js';
import { readSegment } from './segment.js';
import { atLevel } from './segment-encoder.js';
import { uploadSegment } from './segment-upload.js';

export interface ClusterArchiverOptions {
  coord: ArchiveCoordinator;
  log: EventLog;
  target: ObjectTarget;
  codec: Codec;
  clock: Clock;
  logger: Logger;
  flushMs: number;
  maxRows: number;
  maxBytes: number;
  /** The cluster's stream name: the writer id every node uses. */
  stream: string;
  /** The level of a claimed segment after which another full segment waits (compression.ts CATCH_UP_LEVEL). */
  catchUpLevel?: number;
}

/** One writer id per cluster, the same on every node. */
export function clusterWriter(stream: string): string {
  return createHash('sha256').update(`auren-cluster:${stream}`).digest('hex').slice(0, 8);
}

export class ClusterArchiver {
  readonly stats = new ArchiveStats();
  private readonly writer: string;
  private mark = { seq: -1, since: 0 };

  constructor(private readonly o: ClusterArchiverOptions) {
    this.writer = clusterWriter(o.stream);
  }

  archivedSeq(): number {
    return this.o.coord.archivedThrough();
  }

  backlog(): number {
    return Math.max(0, this.o.log.lastSeq() - this.archivedSeq());
  }

  /** Seconds since the cluster-wide watermark last moved while events wait (0 when none wait). */
  lagSeconds(): number {
    const now = this.o.clock.now();
    const seq = this.archivedSeq();
    if (seq !== this.mark.seq) this.mark = { seq, since: now };
    return this.backlog() === 0 ? 0 : (now - this.mark.since) / 1000;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.o.coord.start({ flushMs: this.o.flushMs, maxEvents: this.o.maxRows, maxBytes: this.o.maxBytes });
    await runSegmentWorker(this.o.coord, signal, (seg) => this.archive(seg), { logger: this.o.logger });
  }

  /** Writes every event with seq in [seg.from, seg.to]; throws if any object is not written. */
  async archive(seg: ArchiveSegment): Promise<void> {
    try {
      // Behind when another full segment waits after this one. Counted from the segment's end, not
      // from the cluster's watermark, which trails segments other nodes still hold or just finished.
      const level = this.o.log.lastSeq() - seg.to >= this.o.maxRows ? this.o.catchUpLevel : undefined;
      const s = await readSegment(this.o.log, seg.from - 1, { to: seg.to });
      await uploadSegment(s, { target: this.o.target, codec: atLevel(this.o.codec, level), writer: this.writer, stats: this.stats });
      if (level !== undefined) this.stats.catchUpSegments++;
      if (this.stats.failingSince !== undefined) this.o.logger.info('archive uploads work again', { target: this.o.target.uri });
      this.stats.succeeded(this.o.clock.now());
      this.stats.segmentsDone++;
      this.stats.eventsArchived += s.events.length;
    } catch (err) {
      this.stats.failed(this.o.clock.now(), (err as Error).message);
      throw err;
    }
  }
}
