/**
 * Throughput of StormCoalescer.admit (fingerprint + window bookkeeping) on realistic events. Not a test:
 *   npx bun test/storm/measure-admit.ts
 *   npx bun build --target=node test/storm/measure-admit.ts --outfile /tmp/measure-admit.mjs && node /tmp/measure-admit.mjs
 */
import type { StoredEvent } from '../../src/core/event.js';
import { fingerprinter } from '../../src/storm/fingerprint.js';
import { StormCoalescer } from '../../src/storm/storm-coalescer.js';

const N = 600_000;
const clock = { now: () => 0 };
const AGENTS = 50;
const TYPES = ['agent.step', 'agent.thought', 'tool.call', 'llm.call', 'agent.error', 'memory.formed'];

function event(i: number, data: Record<string, unknown>, agent = `agent-${i % AGENTS}`, type = TYPES[i % TYPES.length]): StoredEvent {
  return {
    seq: i + 1, id: `01J${i.toString(36).padStart(20, '0')}`, ts: 1_760_000_000_000 + i, received_at: 1_760_000_000_000 + i,
    project: 'default', type, tier: type === 'agent.error' ? 'critical' : type.startsWith('memory') ? 'analytical' : 'operational',
    agent_id: agent, session_id: `s-${i % 200}`, trace_id: `t-${i}`, data_json: JSON.stringify(data),
  };
}

const body = (i: number) => ({
  message: 'tool call failed: connection refused while calling the search api',
  error: { code: 'ECONNREFUSED', stack: 'Error: connect ECONNREFUSED 127.0.0.1:443\n    at TCPConnectWrap.afterConnect (node:net:1555:16)', retries: 3 },
  tool: 'web_search', input: { query: `latest quarterly revenue numbers for customer ${i % 997}`, max_results: 10 }, attempt: i % 7,
});

const scenarios: [string, (i: number) => StoredEvent][] = [
  ['distinct, no volatile keys (fast path)', (i) => event(i, body(i))],
  ['distinct, request_id + duration_ms in data', (i) => event(i, { ...body(i), request_id: `req_${i}`, duration_ms: i % 900 })],
  ['one storm: identical but for request_id/ts', (i) => event(i, { ...body(0), request_id: `req_${i}`, ts: 1_760_000_000_000 + i }, 'looping-agent', 'agent.error')],
  ['mixed: 1 storm in 10 events, rest distinct', (i) => (i % 10 === 0 ? event(i, { ...body(0), request_id: `r${i}` }, 'looping-agent', 'agent.error') : event(i, { ...body(i), request_id: `req_${i}` }))],
];

/** Runs the loop with and without admit; the difference in CPU time (not wall time: the machine may be busy) is what admit costs. */
function run(make: (i: number) => StoredEvent, withAdmit: boolean): { ms: number; admitted: number; summaries: number; evictions: number } {
  let summaries = 0;
  const c = new StormCoalescer({ windows: { critical: 1000, operational: 1000, analytical: 1000 }, volatile: ['ts', 'timestamp', 'id', 'request_id', 'duration_ms'], clock });
  c.start(() => summaries++);
  let admitted = 0;
  const started = process.cpuUsage();
  // 150 events per simulated millisecond: windows close and roll as they would at 150k events/s.
  for (let i = 0; i < N; i++) {
    const e = make(i);
    const now = Math.floor(i / 150);
    if (!withAdmit) {
      if (e.seq > 0) admitted++;
      continue;
    }
    if (i % 150 === 0) c.tick(now);
    if (c.admit(e, now)) admitted++;
  }
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  c.stop();
  return { ms, admitted, summaries, evictions: c.forgotten() };
}

for (const [name, make] of scenarios) {
  run(make, true); // warm-up
  const base = run(make, false);
  const r = run(make, true);
  const perEventUs = ((r.ms - base.ms) * 1000) / N;
  console.log(`${name.padEnd(46)} ${Math.round(1e6 / perEventUs).toLocaleString('en').padStart(10)} events/s (${perEventUs.toFixed(2)} µs/event; streamed ${r.admitted}, summaries ${r.summaries}, cap evictions ${r.evictions})`);
}

// Yardstick on the same machine and moment: the fingerprint alone next to one JSON.parse of the data.
const sample = Array.from({ length: 20_000 }, (_, i) => event(i, { ...body(i), request_id: `req_${i}`, duration_ms: i % 900 }));
const fp = fingerprinter(['ts', 'timestamp', 'id', 'request_id', 'duration_ms']);
for (const [name, f] of [['fingerprint (strips request_id, duration_ms)', (e: StoredEvent) => fp(e) & 1], ['JSON.parse of the same data (yardstick)', (e: StoredEvent) => (JSON.parse(e.data_json!) as object) && 1]] as const) {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = process.cpuUsage();
    let x = 0;
    for (let k = 0; k < 10; k++) for (const e of sample) x += f(e);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000 / (10 * sample.length));
    if (x < 0) console.log(x);
  }
  console.log(`${name.padEnd(46)} ${Math.round(1000 / best).toLocaleString('en').padStart(10)} events/s (${(best * 1000).toFixed(2)} µs/event)`);
}
