/**
 * Validates, classifies and prices raw events, then appends them to the log in one commit.
 * Shared by every way events arrive (HTTP JSON/NDJSON, OTLP), so they all get the same rules.
 */
import type { Classifier } from '../classify/tier-rules.js';
import type { Clock } from '../core/clock.js';
import type { EventDraft } from '../core/event.js';
import { HttpError } from '../core/errors.js';
import type { Pricer } from '../core/pricer.js';
import type { EventLog } from '../store/event-log.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { RawItem } from './split-body.js';
import { validateEvent } from './validate.js';

export const MAX_ERRORS_REPORTED = 100;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: { index: number; error: string }[];
}

export interface IngestDeps {
  log: EventLog;
  classifier: Classifier;
  pricer?: Pricer;
  clock: Clock;
  metrics: Metrics;
  maxDataBytes: number;
  /** Says whether ingest must shed load now (store or archive too far behind); undefined = fine. */
  overload?: () => string | undefined;
}

export class IngestService {
  constructor(private readonly deps: IngestDeps) {}

  async ingest(project: string, items: RawItem[]): Promise<IngestResult> {
    const { clock, metrics } = this.deps;
    const shed = this.deps.overload?.();
    if (shed) {
      metrics.shed.inc({ reason: 'backlog' });
      throw new HttpError(429, `${shed}; retry later`, { 'Retry-After': '5' });
    }
    const now = clock.now();
    const drafts: EventDraft[] = [];
    const errors: IngestResult['errors'] = [];
    let rejected = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const v = item.error !== undefined ? ({ ok: false, error: item.error } as const) : validateEvent(item.value, { project, now, maxDataBytes: this.deps.maxDataBytes });
      if (!v.ok) {
        rejected++;
        if (errors.length < MAX_ERRORS_REPORTED) errors.push({ index: i, error: v.error });
        continue;
      }
      const d = v.draft;
      d.tier = this.deps.classifier.classify(d.type, v.override, v.severity);
      if (d.cost_usd === undefined && d.model !== undefined && d.usage !== undefined && this.deps.pricer) {
        d.cost_usd = this.deps.pricer.price(d.model, d.usage, d.ts);
      }
      drafts.push(d);
    }
    metrics.rejected.inc(rejected);
    if (drafts.length === 0) return { accepted: 0, duplicates: 0, rejected, errors };
    let result;
    const started = performance.now();
    try {
      result = await this.deps.log.append(drafts);
    } catch (err) {
      metrics.storeErrors.inc();
      throw new HttpError(503, `the event store cannot take writes right now (${(err as Error).message}); nothing from this request was stored, retry later`, { 'Retry-After': '5' });
    }
    metrics.appendSeconds.observe((performance.now() - started) / 1000);
    metrics.duplicates.inc(result.duplicates.length);
    for (const e of result.stored) metrics.eventsIn[e.tier]++;
    return { accepted: result.stored.length, duplicates: result.duplicates.length, rejected, errors };
  }
}
