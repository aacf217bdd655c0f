/**
 * The archive as a server module: checks the target at start (a missing bucket or refused
 * credentials stop the server with a clear message; an unreachable one only delays uploads), runs
 * the archiver and the archive retention sweeper, holds hot-store retention at the archived seq and
 * reports readiness. With `--archive none` it does nothing and holds nothing back.
 */
import { join } from 'node:path';
import type { Module } from '../app-context.js';
import { archiveCoordinatorOf } from '../cluster/archive-coordinator.js';
import { ConfigError } from '../config/load.js';
import type { ModuleFactory } from '../server/modules.js';
import { registerArchiveMetrics } from './archive-metrics.js';
import { runArchiveRetention } from './archive-retention.js';
import { ArchiveState } from './archive-state.js';
import { Archiver, DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, type ArchiverOptions } from './archiver.js';
import { ClusterArchiver } from './cluster-archiver.js';
import { CATCH_UP_LEVEL, pickCodec } from './compression.js';
import { ArchiveTargetError } from './object-target.js';
import { openTarget, type TargetTuning } from './open-target.js';
import { InThreadSegmentEncoder, type SegmentEncoder } from './segment-encoder.js';
import { workerEntry } from '../runtime/worker-entry.js';
import { WorkerSegmentEncoder } from './worker/worker-encoder.js';

export type ArchiveTuning = TargetTuning &
  Pick<ArchiverOptions, 'maxRows' | 'maxBytes' | 'retryMaxMs' | 'shutdownMs'> & {
    retentionIntervalMs?: number;
    /** false: read and encode segments on the event loop instead of the encoder thread. */
    encoderThread?: boolean;
    /** The encoder thread's entry module (default: the runtime's archive-worker, see runtime/worker-entry.ts). */
    encoderEntry?: URL;
  };

/** Above this backlog, ingest should shed load rather than fill the disk (see overload()). */
export const MAX_BACKLOG_EVENTS = 50_000_000;

export interface ArchiveModule extends Module {
  /** undefined when the archive is off. */
  archiver?: Archiver | ClusterArchiver;
  /** Why ingest should shed load now (backlog past MAX_BACKLOG_EVENTS), for IngestDeps.overload. */
  overload?(): string | undefined;
}

export function createArchiveModule(tuning: ArchiveTuning = {}): ModuleFactory {
  return async ({ ctx, runtime, db }): Promise<ArchiveModule> => {
    const { config, clock, logger, metrics, log } = ctx;
    const { target } = openTarget(config, tuning);
    if (!target) {
      logger.info('archive is off (--archive none)');
      return { name: 'archive' };
    }
    // In cluster mode the shared log's coordinator hands out segments; on a single node the
    // archiver follows the local log with its own bookkeeping.
    const coord = archiveCoordinatorOf(log);
    const codec = pickCodec(runtime, config.archiveLevel);
    // A level the operator set is kept for every segment.
    const catchUpLevel = config.archiveLevel === undefined ? CATCH_UP_LEVEL[codec.name] : undefined;
    /**
     * On a single node the encoder thread reads the SQLite store itself (the file start-server
     * opens), so neither reading nor encoding a segment holds the event loop.
     */
    function singleNodeEncoder(): SegmentEncoder {
      const inThread = new InThreadSegmentEncoder(log, codec);
      if (tuning.encoderThread === false) return inThread;
      return new WorkerSegmentEncoder({
        entry: tuning.encoderEntry ?? workerEntry(runtime.name, 'archive-worker'), dbPath: join(config.dataDir, 'auren.db'), codec, logger, fallback: inThread,
      });
    }
    const archiver: Archiver | ClusterArchiver = coord
      ? new ClusterArchiver({
          coord, log, target, codec, clock, logger, flushMs: config.archiveFlushMs, stream: config.clusterStream,
          maxRows: tuning.maxRows ?? DEFAULT_MAX_ROWS, maxBytes: tuning.maxBytes ?? DEFAULT_MAX_BYTES, catchUpLevel,
        })
      : new Archiver({
          log, target, clock, logger, state: new ArchiveState(db, target.uri), codec, flushMs: config.archiveFlushMs, ...tuning, encoder: singleNodeEncoder(), catchUpLevel,
        });
    try {
      await target.check();
    } catch (err) {
      if (err instanceof ArchiveTargetError && err.permanent) {
        target.close();
        throw new ConfigError(`in --archive / AUREN_ARCHIVE (${target.uri}): ${err.message}`);
      }
      archiver.stats.failed(clock.now(), (err as Error).message);
      logger.warn('archive target unreachable at start; serving anyway, events queue in the store until it answers', { err, target: target.uri });
    }
    registerArchiveMetrics(metrics, archiver);
    const behindAfterS = Math.max(300, (3 * config.archiveFlushMs) / 1000);
    return {
      name: 'archive',
      archiver,
      retentionFloor: () => archiver.archivedSeq(),
      ready() {
        const s = archiver.stats;
        if (s.failingSince !== undefined) {
          return `target ${target.uri} unreachable since ${new Date(s.failingSince).toISOString()} (${s.lastError}); ${archiver.backlog()} events queued in the store`;
        }
        const lag = archiver.lagSeconds();
        if (lag > behindAfterS) return `behind: ${archiver.backlog()} events wait, the oldest for ${Math.round(lag)} s`;
        return undefined;
      },
      overload: () => (archiver.backlog() > MAX_BACKLOG_EVENTS ? `the archive is ${archiver.backlog()} events behind; retry later` : undefined),
      async run(signal) {
        const retention = runArchiveRetention(
          { target, retention: config.archiveRetention ?? {}, clock, logger, intervalMs: tuning.retentionIntervalMs, onDeleted: (n) => (archiver.stats.objectsExpired += n) },
          signal,
        );
        await Promise.all([archiver.run(signal), retention]);
        target.close();
      },
    };
  };
}

export const archiveModule: ModuleFactory = createArchiveModule();
