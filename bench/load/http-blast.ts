/**
 * Closed-loop HTTP load without wrk: C connections each POST the next body as soon as the previous
 * answer arrives, for a fixed time, renumbering each body's events per send (see UNIQUE_SLOT). Used
 * where wrk is not installed (`--loader bun`).
 * Prints the same JSON summary line as load/post-events.lua.
 *
 *   bun bench/load/http-blast.ts --url URL --bodies DIR --count N --type CONTENT_TYPE --connections C --seconds S
 */
import { readFileSync } from 'node:fs';
import { Histogram } from '../lib/histogram.js';
import { renumberer, splitSlots } from '../lib/workload.js';
import { exitWithParent, flag } from './cli.js';

const url = flag('--url', 'http://127.0.0.1:8080/v1/events');
const dir = flag('--bodies', '.');
const bodies = Array.from({ length: Number(flag('--count', '1')) }, (_, i) => splitSlots(readFileSync(`${dir}/body-${i}`, 'utf8')));
const fresh = renumberer(process.pid % 1000);
const type = flag('--type', 'application/x-ndjson');
const seconds = Number(flag('--seconds', '5'));
const connections = Number(flag('--connections', '8'));

let accepted = 0;
let other = 0;
let socketErrors = 0;
let next = 0;
const lat = new Histogram();
const start = performance.now();
const end = start + seconds * 1000;

async function worker(): Promise<void> {
  while (performance.now() < end) {
    const body = fresh(bodies[next++ % bodies.length]);
    const t = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
      await res.arrayBuffer();
      if (res.status === 202) accepted++;
      else other++;
      lat.record(performance.now() - t);
    } catch {
      socketErrors++;
    }
  }
}

exitWithParent();
await Promise.all(Array.from({ length: connections }, worker));
const p = (q: number) => Math.round((lat.quantile(q) ?? 0) * 1000);
process.stdout.write(JSON.stringify({ wrk: false, accepted, other, seconds: (performance.now() - start) / 1000, socketErrors, p50us: p(0.5), p99us: p(0.99) }) + '\n');
process.exit(0);
