/**
 * Open-loop load at a fixed rate: NDJSON batches of realistic events sent on a schedule (not as
 * fast as the server answers), optionally with critical probe events carrying their send time so
 * clients can measure delivery latency. Driven over stdin like stream-clients (`mark`, `report`).
 *
 *   bun bench/load/paced-load.ts --url http://127.0.0.1:8080 --rate 20000 [--batch 100] [--probes 20]
 */
import { createInterface } from 'node:readline';
import { wallMs } from '../lib/histogram.js';
import { ndjson, renumberer, splitSlots, Workload } from '../lib/workload.js';
import { exitWithParent, flag } from './cli.js';

const url = flag('--url', 'http://127.0.0.1:8080') + '/v1/events';
const rate = Number(flag('--rate', '1000'));
const batch = Math.max(1, Math.min(Number(flag('--batch', '100')), Math.round(rate / 20)));
const probesPerSec = Number(flag('--probes', '0'));
const maxInflight = 64;

const work = new Workload({ seed: Number(flag('--seed', '7')) });
const bodies = Array.from({ length: 64 }, () => splitSlots(ndjson(work.batch(batch))));
const fresh = renumberer(process.pid % 1000);
const intervalMs = (1000 * batch) / rate;
const probeEvery = probesPerSec > 0 ? Math.max(1, Math.round(1000 / probesPerSec / intervalMs)) : 0;

let sent = 0;
let accepted = 0;
let behind = 0;
let inflight = 0;
let markedAt = wallMs();
const statuses: Record<string, number> = {};

function probe(): string {
  return JSON.stringify({ type: 'agent.error', agent_id: 'bench-probe', data: { probe: true, t0: wallMs(), severity: 'critical' } }) + '\n';
}

async function post(body: string, events: number): Promise<void> {
  inflight++;
  sent += events;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 202) accepted += ((await res.json()) as { accepted: number }).accepted;
    else await res.arrayBuffer();
  } catch {
    statuses.error = (statuses.error ?? 0) + 1;
  } finally {
    inflight--;
  }
}

async function run(): Promise<void> {
  const start = performance.now();
  for (let k = 0; ; k++) {
    const due = start + k * intervalMs;
    const wait = due - performance.now();
    if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
    if (inflight >= maxInflight) {
      behind++;
      continue;
    }
    const withProbe = probeEvery > 0 && k % probeEvery === 0;
    const body = fresh(bodies[k % bodies.length]);
    void post(withProbe ? body + probe() : body, batch + (withProbe ? 1 : 0));
  }
}

createInterface({ input: process.stdin }).on('line', (cmd) => {
  if (cmd === 'mark') {
    sent = accepted = behind = 0;
    for (const k of Object.keys(statuses)) delete statuses[k];
    markedAt = wallMs();
    process.stdout.write('{"marked":true}\n');
  } else if (cmd === 'report') {
    const seconds = (wallMs() - markedAt) / 1000;
    process.stdout.write(JSON.stringify({ report: true, seconds, sent, accepted, behind, statuses, ratePerSec: accepted / seconds }) + '\n');
  }
});
process.stdout.write(JSON.stringify({ ready: true, batch, intervalMs }) + '\n');
exitWithParent();
void run();
