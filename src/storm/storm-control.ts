/** Builds storm control from the server config: the coalescer the hub uses, its metrics and system events. */
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Metrics } from '../telemetry/metrics.js';
import { StormCoalescer } from './storm-coalescer.js';
import { StormAnnouncer, type IngestFn } from './storm-events.js';
import { registerStormMetrics } from './storm-stats.js';

export interface StormDeps {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Where storm.started / storm.ended go: IngestService.ingest, so they are stored and streamed. */
  ingest: IngestFn;
}

/** undefined when `--storm-window off` turns it off for every tier. */
export function createStormControl(config: Pick<Config, 'stormWindow' | 'stormVolatile'>, deps: StormDeps): StormCoalescer | undefined {
  const windows = config.stormWindow;
  if (!windows.critical && !windows.operational && !windows.analytical) return undefined;
  const announcer = new StormAnnouncer(deps.ingest, deps.logger, deps.clock.now());
  const coalescer = new StormCoalescer({ windows, volatile: config.stormVolatile, clock: deps.clock, announcer });
  registerStormMetrics(deps.metrics, coalescer);
  return coalescer;
}
