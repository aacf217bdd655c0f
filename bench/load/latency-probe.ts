/**
 * Measures POST → WebSocket frame latency per tier from one process (one clock): it holds a stream
 * connection and, on a fixed schedule, POSTs single probe events — critical (`agent.error`),
 * operational (`agent.step`), analytical (`memory.formed`) — and times each until its frame arrives.
 * Prints one JSON line with a histogram per tier when done.
 *
 *   bun bench/load/latency-probe.ts --url URL --seconds 10 --critical 200 --operational 50 --analytical 20
 */
import { Histogram, wallMs } from '../lib/histogram.js';
import { exitWithParent, flag } from './cli.js';

const base = flag('--url', 'http://127.0.0.1:8080');
const seconds = Number(flag('--seconds', '5'));
const KINDS = { critical: 'agent.error', operational: 'agent.step', analytical: 'memory.formed' } as const;
type Kind = keyof typeof KINDS;
const rates: Record<Kind, number> = {
  critical: Number(flag('--critical', '100')),
  operational: Number(flag('--operational', '0')),
  analytical: Number(flag('--analytical', '0')),
};

const hist: Record<Kind, Histogram> = { critical: new Histogram(), operational: new Histogram(), analytical: new Histogram() };
const post = new Histogram();
const outstanding = new Set<string>();
let sent = 0;
let failedPosts = 0;

const ws = new WebSocket(base.replace(/^http/, 'ws') + '/v1/stream');
await new Promise<void>((resolve, reject) => {
  ws.onopen = () => resolve();
  ws.onerror = () => reject(new Error('probe could not open the stream'));
});
ws.onmessage = (m) => {
  const text = String(m.data);
  if (!text.includes('"probe":true')) return;
  const now = wallMs();
  const f = JSON.parse(text) as { events?: { data?: { probe?: boolean; t0: number; kind: Kind; n: string } }[] };
  for (const e of f.events ?? []) {
    const d = e.data;
    if (!d?.probe || !outstanding.delete(d.n)) continue;
    hist[d.kind].record(now - d.t0);
  }
};

async function send(kind: Kind, i: number): Promise<void> {
  const n = `${kind}-${i}`;
  const t0 = wallMs();
  outstanding.add(n);
  sent++;
  const body = JSON.stringify({ type: KINDS[kind], agent_id: 'bench-probe', data: { probe: true, t0, kind, n } });
  try {
    const res = await fetch(base + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    if (res.status !== 202) failedPosts++;
    post.record(wallMs() - t0);
  } catch {
    failedPosts++;
  }
}

async function schedule(kind: Kind): Promise<void> {
  if (rates[kind] <= 0) return;
  const interval = 1000 / rates[kind];
  const start = performance.now();
  // Start each schedule at a different phase, so probes do not line up with each other or with timers.
  const offset = Math.random() * interval;
  for (let i = 0; ; i++) {
    const due = start + offset + i * interval;
    if (due - start > seconds * 1000) return;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    void send(kind, i);
  }
}

exitWithParent();
await Promise.all((Object.keys(rates) as Kind[]).map(schedule));
// Wait for the slowest tier's flush window (and a margin) before calling the rest lost.
const deadline = performance.now() + 3000;
while (outstanding.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
process.stdout.write(JSON.stringify({
  probe: true, sent, failedPosts, missing: outstanding.size, post: post.toJSON(),
  critical: hist.critical.toJSON(), operational: hist.operational.toJSON(), analytical: hist.analytical.toJSON(),
}) + '\n');
ws.close();
process.exit(0);
