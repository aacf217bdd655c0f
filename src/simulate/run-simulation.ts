/**
 * Drives a server with the crew workload at a steady rate: every tick it sends the events that are
 * due as NDJSON batches, until the duration, an event budget or the abort signal ends the run.
 *
 * @example
 * const summary = await runSimulation({ url: 'http://127.0.0.1:8080', agents: 5, rate: 200, durationMs: 30_000 });
 */
import { postBatch } from './post-batch.js';
import { sleep } from './post-batch.js';
import { CrewWorkload, type WorkloadOptions } from './workload.js';

export interface SimulationOptions extends Omit<WorkloadOptions, 'now'> {
  url: string;
  /** Events per second. */
  rate: number;
  durationMs?: number;
  /** Stop after this many events. */
  maxEvents?: number;
  apiKey?: string;
  /** Largest batch per request. Default 500. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called about once a second with the running totals. */
  onProgress?: (s: SimulationSummary) => void;
}

export interface SimulationSummary {
  runId: string;
  agents: string[];
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  requests: number;
  retries: number;
  tasks: number;
  elapsedMs: number;
  /** Achieved events per second. */
  rate: number;
  byType: Record<string, number>;
  /** The first few per-event problems the server reported. */
  errors: string[];
}

const TICK_MS = 100;

export async function runSimulation(o: SimulationOptions): Promise<SimulationSummary> {
  if (!(o.rate > 0)) throw new Error('rate must be a positive number of events per second');
  const url = o.url.replace(/\/+$/, '');
  const workload = new CrewWorkload(o);
  const batchSize = o.batchSize ?? 500;
  const start = Date.now();
  const s: SimulationSummary = { runId: workload.runId, agents: workload.agentIds, sent: 0, accepted: 0, duplicates: 0, rejected: 0, requests: 0, retries: 0, tasks: 0, elapsedMs: 0, rate: 0, byType: {}, errors: [] };
  const done = () => o.signal?.aborted || (o.durationMs !== undefined && Date.now() - start >= o.durationMs) || (o.maxEvents !== undefined && s.sent >= o.maxEvents);
  let lastProgress = start;
  while (!done()) {
    const elapsed = Date.now() - start;
    // What should have been sent by now; after a stall, catch up by at most two seconds' worth.
    let due = Math.floor((o.rate * elapsed) / 1000) - s.sent;
    due = Math.min(due, Math.max(1, o.rate * 2));
    if (o.maxEvents !== undefined) due = Math.min(due, o.maxEvents - s.sent);
    while (due > 0 && !o.signal?.aborted) {
      const n = Math.min(due, batchSize);
      const r = await postBatch(url, workload.take(n, TICK_MS), o.apiKey, o.signal);
      s.sent += n;
      due -= n;
      s.requests++;
      s.accepted += r.accepted;
      s.duplicates += r.duplicates;
      s.rejected += r.rejected;
      s.retries += r.retries;
      for (const e of r.errors) if (s.errors.length < 5) s.errors.push(e);
    }
    if (o.onProgress && Date.now() - lastProgress >= 1000) {
      lastProgress = Date.now();
      o.onProgress(finish(s, workload, start));
    }
    if (done()) break;
    await sleep(TICK_MS, o.signal);
  }
  return finish(s, workload, start);
}

function finish(s: SimulationSummary, w: CrewWorkload, start: number): SimulationSummary {
  s.elapsedMs = Date.now() - start;
  s.rate = s.elapsedMs > 0 ? Math.round((s.sent * 1000) / s.elapsedMs) : 0;
  s.tasks = w.tasksStarted;
  s.byType = Object.fromEntries([...w.counts.entries()].sort((a, b) => b[1] - a[1]));
  return { ...s, byType: { ...s.byType }, errors: [...s.errors] };
}
