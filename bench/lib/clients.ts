/**
 * The harness side of bench/load/stream-clients.ts: spreads N connections over a few client
 * processes, starts and ends measurement windows, and merges their reports.
 */
import { join } from 'node:path';
import { Histogram, type SparseHistogram } from './histogram.js';
import { startChild, type Child } from './procs.js';
import { bunPath, ROOT } from './systems.js';

export interface ClientReport {
  seconds: number;
  events: number;
  frames: number;
  bytes: number;
  lagged: number;
  closes: Record<string, number>;
  minClientEvents: number;
  maxClientEvents: number;
  latency: Histogram;
  open: number;
  failed: number;
}

export interface ClientFleet {
  open: number;
  failed: number;
  mark(): Promise<void>;
  report(): Promise<ClientReport>;
  close(): Promise<void>;
}

export interface FleetOptions {
  count: number;
  stalled?: number;
  sse?: boolean;
  query?: string;
  /** Client processes to spread the connections over (default: 2, or 1 per 1,000 connections, at most 4). */
  processes?: number;
}

export async function startClients(url: string, o: FleetOptions): Promise<ClientFleet> {
  // Two processes at least (one per core) once there is real traffic to read, at most four.
  const procs = o.processes ?? (o.count < 20 ? 1 : Math.min(4, Math.max(2, Math.ceil(o.count / 1000))));
  const children: Child[] = [];
  for (let p = 0; p < procs; p++) {
    const share = Math.floor(o.count / procs) + (p < o.count % procs ? 1 : 0);
    const stalled = Math.floor((o.stalled ?? 0) / procs) + (p < (o.stalled ?? 0) % procs ? 1 : 0);
    const args = [join(ROOT, 'bench/load/stream-clients.ts'), '--url', url, '--count', String(share), '--stalled', String(stalled)];
    if (o.sse) args.push('--sse');
    if (o.query) args.push('--query', o.query);
    // Bun's fetch runs at most 256 requests at once by default; SSE streams never end, so lift it.
    children.push(startChild(`clients-${p}`, bunPath(), args, { BUN_CONFIG_MAX_HTTP_REQUESTS: '65000' }));
  }
  let open = 0;
  let failed = 0;
  for (const c of children) {
    const r = JSON.parse((await c.waitFor(/^\{"ready"/, 120_000)).input) as { open: number; failed: number };
    open += r.open;
    failed += r.failed;
  }
  return {
    open,
    failed,
    async mark() {
      for (const c of children) c.send('mark');
      await Promise.all(children.map((c) => c.waitFor(/^\{"marked"/)));
    },
    async report() {
      for (const c of children) c.send('report');
      const parts = await Promise.all(children.map(async (c) => JSON.parse((await c.waitFor(/^\{"report"/, 120_000)).input)));
      const out: ClientReport = { seconds: 0, events: 0, frames: 0, bytes: 0, lagged: 0, closes: {}, minClientEvents: Infinity, maxClientEvents: 0, latency: new Histogram(), open, failed };
      for (const p of parts as (Omit<ClientReport, 'latency'> & { latency: SparseHistogram })[]) {
        out.seconds = Math.max(out.seconds, p.seconds);
        out.events += p.events;
        out.frames += p.frames;
        out.bytes += p.bytes;
        out.lagged += p.lagged;
        for (const [k, v] of Object.entries(p.closes)) out.closes[k] = (out.closes[k] ?? 0) + v;
        out.minClientEvents = Math.min(out.minClientEvents, p.minClientEvents);
        out.maxClientEvents = Math.max(out.maxClientEvents, p.maxClientEvents);
        out.latency.merge(p.latency);
      }
      return out;
    },
    async close() {
      for (const c of children) if (c.proc.exitCode === null) c.send('close');
      await Promise.all(children.map((c) => Promise.race([c.exited, new Promise((r) => setTimeout(r, 3000))])));
      await Promise.all(children.map((c) => c.stop(2000)));
    },
  };
}
