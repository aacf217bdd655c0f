/** Everything routes and modules share, built once per server (see server/build-server.ts). */
import type { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { KeyRing } from './auth/api-keys.js';
import type { Config } from './config/schema.js';
import type { Clock } from './core/clock.js';
import type { Logger } from './core/log.js';
import type { IngestService } from './ingest/ingest-service.js';
import type { SocketSink } from './runtime/types.js';
import type { EventLog } from './store/event-log.js';
import type { Hub } from './stream/hub.js';
import type { Metrics } from './telemetry/metrics.js';

export interface AppContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  keys: KeyRing;
  log: EventLog;
  ingest: IngestService;
  hub: Hub;
  upgradeWebSocket: UpgradeWebSocket<unknown>;
  sinkOf: (raw: unknown) => SocketSink;
}

/**
 * A part of the product beyond the core pipeline (dashboards, archive, OTLP, web UI): it may add
 * routes, report readiness, and run in the background until stopped.
 */
export interface Module {
  name: string;
  routes?(app: Hono, ctx: AppContext): void;
  /** undefined when ready, else what is wrong (shown by /readyz). */
  ready?(): string | undefined;
  /**
   * undefined normally; a reason when ingest must shed load (answer 429) because this module has
   * fallen too far behind to keep memory or disk bounded.
   */
  overload?(): string | undefined;
  /**
   * The highest seq this module no longer needs from the hot store (e.g. the archiver's uploaded
   * watermark); retention never sweeps past the lowest floor of all modules.
   */
  retentionFloor?(): number;
  /** Runs until the signal aborts; resolves once stopped (flushed, uploaded). */
  run?(signal: AbortSignal): Promise<void>;
}
