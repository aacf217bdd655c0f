/**
 * Assembles and runs a server: store, ingest, hub, modules and HTTP, on the given runtime. Used by
 * both entry points and by tests, so all of them run the same app.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app.js';
import type { AppContext, Module } from '../app-context.js';
import { openClusterLog } from '../cluster/open-cluster-log.js';
import { KeyRing } from '../auth/api-keys.js';
import { readKeys } from '../auth/key-reload.js';
import { Classifier, parseTierRules } from '../classify/tier-rules.js';
import type { Config } from '../config/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Pricer } from '../core/pricer.js';
import { createPricer } from '../pricing/genai-pricer.js';
import { IngestService } from '../ingest/ingest-service.js';
import type { Runtime } from '../runtime/types.js';
import { workerEntry } from '../runtime/worker-entry.js';
import { Checkpointer } from '../store/sqlite/checkpointer.js';
import { raiseThreadPriority } from '../runtime/thread-priority.js';
import { RetentionSweeper } from '../store/sqlite/retention-sweeper.js';
import { SqliteEventLog } from '../store/sqlite/sqlite-event-log.js';
import { createStormControl } from '../storm/storm-control.js';
import { Hub } from '../stream/hub.js';
import { Metrics } from '../telemetry/metrics.js';
import { MODULE_FACTORIES, type ModuleFactory } from './modules.js';

export interface StartOptions {
  runtime: Runtime;
  config: Config;
  logger: Logger;
  clock?: Clock;
  pricer?: Pricer;
  modules?: ModuleFactory[];
}

export interface RunningServer {
  url: string;
  port: number;
  ctx: AppContext;
  modules: Module[];
  /** The Hono app, for in-process requests (`app.request(…)`). */
  app: ReturnType<typeof createApp>;
  /**
   * Graceful stop: stop accepting, flush batches, close sockets with 1001, stop modules, close the
   * store. Connections still open after --drain-timeout are cut.
   */
  stop(): Promise<void>;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function loadKeys(config: Config): KeyRing {
  return new KeyRing(config.apiKeys || config.apiKeysFile ? readKeys(config) : undefined);
}

export async function startServer(o: StartOptions): Promise<RunningServer> {
  const { runtime, config, logger } = o;
  const clock = o.clock ?? systemClock;
  const keys = loadKeys(config);
  const pricer = o.pricer ?? createPricer(config.prices);
  if (!keys.enabled && !LOOPBACK.test(config.host)) {
    if (!config.insecure) {
      throw new Error(`refusing to listen on ${config.host} without API keys: set --api-keys / AUREN_API_KEYS, or pass --insecure`);
    }
    logger.warn('listening on a non-loopback address with auth off (--insecure): anyone who can reach it can read and write');
  } else if (!keys.enabled) {
    logger.warn('auth is off (no --api-keys): fine on loopback, set keys before exposing the server');
  }

  // Before any thread starts, so they inherit it (see thread-priority.ts).
  if (config.eventLoopNice < 0) {
    if (raiseThreadPriority(config.eventLoopNice)) logger.debug('event loop priority raised', { nice: config.eventLoopNice });
    else {
      const limit = 20 - config.eventLoopNice;
      logger.info(`the event loop keeps its CPU priority: nice ${config.eventLoopNice} (--event-loop-nice) needs CAP_SYS_NICE or a nice limit of ${limit} (docker run --ulimit nice=${limit}, systemd LimitNICE=${limit}); set it to 0 to silence this`);
    }
  }
  let db: ReturnType<Runtime['openSqlite']>;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    db = runtime.openSqlite(join(config.dataDir, 'auren.db'));
    // WAL + NORMAL: a commit survives a process crash (kill -9); only an OS crash can lose the last ones.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot open the store in ${config.dataDir} (--data-dir / AUREN_DATA_DIR): ${e.code && !e.message.includes(e.code) ? `${e.code}: ` : ''}${e.message}; the directory must exist or be creatable, and be writable`, { cause: err });
  }
  const metrics = new Metrics();
  const sqliteLog = new SqliteEventLog({
    db,
    clock,
    dedupWindowMs: config.dedupWindowMs,
    onListenerError: (err) => logger.error('a reader of the event log failed on a committed batch', { err }),
  });
  // Cluster mode: the event log is the JetStream stream all nodes share; SQLite keeps this node's own tables.
  const log = config.cluster ? await openClusterLog({ config, clock, logger, metrics }) : sqliteLog;
  metrics.gauge('auren_store_last_seq', 'Highest seq stored', () => log.lastSeq());
  const dbPath = join(config.dataDir, 'auren.db');
  metrics.gauge('auren_store_bytes', 'Size of the SQLite store on disk (database and WAL)', () => fileSize(dbPath) + fileSize(`${dbPath}-wal`));
  const checkpointer = new Checkpointer({ db, dbPath, entry: workerEntry(runtime.name, 'store-worker'), logger });
  checkpointer.start();
  metrics.gauge('auren_store_checkpoint_thread', 'WAL checkpoints run on their own thread (1) or inside commits on the event loop (0)', () => (checkpointer.offThread() ? 1 : 0));
  metrics.gauge('auren_store_wal_frames', 'Frames in the WAL at the last background checkpoint, and how many the database file has', () => ({ wal: checkpointer.walFrames, checkpointed: checkpointer.checkpointed }));
  metrics.counter('auren_store_commits_total', 'Store transactions committed (appends that are ready together share one)', () => sqliteLog.commits);
  metrics.gauge('auren_dedup_window_ids', 'Event ids remembered for dedup', () => sqliteLog.dedupSize);
  metrics.counter('auren_dedup_evicted_early_total', 'Ids evicted before the dedup window ended (memory cap)', () => sqliteLog.dedupEvictedEarly);

  const classifier = new Classifier(config.tierRules ? parseTierRules(config.tierRules) : []);
  const modules: Module[] = [];
  const overload = (): string | undefined => {
    for (const m of modules) {
      const reason = m.overload?.();
      if (reason) return `${m.name}: ${reason}`;
    }
    return undefined;
  };
  const ingest = new IngestService({ log, classifier, pricer, clock, metrics, maxDataBytes: config.maxEventBytes, overload });
  const coalescer = createStormControl(config, { clock, logger, metrics, ingest: (project, items) => ingest.ingest(project, items) });
  const hub = new Hub({
    coalescer,
    publish: runtime.publish,
    log,
    clock,
    metrics,
    logger,
    batch: config.batch,
    limits: {
      framesPerSecond: config.clientRateFrames,
      bytesPerSecond: config.clientRateBytes,
      bufferBytes: config.clientBufferBytes,
      maxPendingEvents: 10_000,
    },
    maxClients: config.maxClients,
    heartbeatMs: config.heartbeatMs,
  });
  const ctx: AppContext = { config, clock, logger, metrics, keys, log, ingest, hub, upgradeWebSocket: runtime.upgradeWebSocket, sinkOf: runtime.sinkOf };

  for (const factory of o.modules ?? MODULE_FACTORIES) modules.push(await factory({ ctx, runtime, db }));
  const abort = new AbortController();
  const floors = modules.filter((m) => m.retentionFloor);
  const sweeper = new RetentionSweeper({
    log: sqliteLog,
    clock,
    logger,
    retention: config.retention,
    floor: () => Math.min(log.lastSeq(), ...floors.map((m) => m.retentionFloor!())),
  });
  const running: Promise<void>[] = [sweeper.run(abort.signal)];
  for (const m of modules) if (m.run) running.push(m.run(abort.signal).catch((err) => logger.error(`${m.name} stopped with an error`, { err })));
  // Readiness recovers by itself once the disk takes writes again.
  const probe = setInterval(() => {
    if (!sqliteLog.writable()) sqliteLog.probeWritable();
  }, 2000);
  probe.unref?.();

  const app = createApp(ctx, modules);
  const server = await runtime.serve({ fetch: app.fetch, host: config.host, port: config.port, maxPayloadBytes: 64 * 1024 });
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${server.port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    port: server.port,
    ctx,
    modules,
    app,
    stop() {
      stopping ??= (async () => {
        const closed = server.stop();
        // A client holding a request open (a slow upload, a stream that ignores the close) would keep
        // the process past an orchestrator's grace period, and SIGKILL would cut the archive flush
        // too. Past the deadline its connection is cut: a 202 is sent only after the commit, so an
        // upload cut off was never acknowledged and the client sends it again.
        const deadline = setTimeout(() => {
          logger.warn(`connections still open ${config.drainTimeoutMs} ms after shutdown began (--drain-timeout / AUREN_DRAIN_TIMEOUT): closing them; their requests were not acknowledged`);
          server.closeAll();
        }, config.drainTimeoutMs);
        try {
          await hub.close();
          abort.abort();
          clearInterval(probe);
          await Promise.all(running);
          await closed;
        } finally {
          clearTimeout(deadline);
        }
        await log.close();
        await checkpointer.close();
        db.close();
      })();
      return stopping;
    },
  };
}
