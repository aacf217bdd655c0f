/**
 * A client process holding many stream connections (WebSocket or SSE) to one server. It counts the
 * events and frames each receives, and the latency of probe events (`data.probe`, `data.t0`), and can
 * hold "stalled" connections that complete the upgrade and then never read a byte.
 * Driven over stdin: `mark` resets the counters, `report` prints them as one JSON line.
 *
 *   bun bench/load/stream-clients.ts --url http://127.0.0.1:8080 --count 500 [--stalled 50] [--sse] [--query tiers=critical]
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { Histogram, wallMs } from '../lib/histogram.js';
import { exitWithParent, flag } from './cli.js';

const base = flag('--url', 'http://127.0.0.1:8080');
const count = Number(flag('--count', '1'));
const stalledCount = Number(flag('--stalled', '0'));
const sse = process.argv.includes('--sse');
const query = flag('--query', '');
const path = '/v1/stream' + (query ? `?${query}` : '');

const SEQ = '{"seq":';
let events = 0;
let frames = 0;
let bytes = 0;
let lagged = 0;
let markedAt = wallMs();
let latency = new Histogram();
const perClient: number[] = [];
const closes: Record<string, number> = {};
const stalled: Socket[] = [];
const sockets: { close(): void }[] = [];

function countEvents(text: string): number {
  let n = 0;
  for (let i = text.indexOf(SEQ); i !== -1; i = text.indexOf(SEQ, i + 7)) n++;
  return n;
}

function onFrame(idx: number, text: string): void {
  frames++;
  bytes += text.length;
  const n = countEvents(text);
  events += n;
  perClient[idx] += n;
  if (n === 0 && text.includes('"lagged"')) lagged++;
  if (text.includes('"probe":true')) recordProbes(text);
}

function recordProbes(text: string): void {
  const now = wallMs();
  try {
    const f = JSON.parse(text) as { events?: { data?: { probe?: boolean; t0?: number } }[] };
    for (const e of f.events ?? []) if (e.data?.probe && typeof e.data.t0 === 'number') latency.record(now - e.data.t0);
  } catch {
    // an SSE chunk boundary split the frame: skip this sample
  }
}

function openWs(idx: number): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + path);
    // A server too busy to finish the handshake counts as a failed connection, not a hang.
    const timer = setTimeout(() => {
      ws.close();
      resolve(false);
    }, 30_000);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(true);
    };
    ws.onmessage = (m) => onFrame(idx, typeof m.data === 'string' ? m.data : String(m.data));
    ws.onclose = (c) => {
      closes[c.code] = (closes[c.code] ?? 0) + 1;
      resolve(false);
    };
    sockets.push({ close: () => ws.close() });
  });
}

async function openSse(idx: number): Promise<boolean> {
  const ac = new AbortController();
  sockets.push({ close: () => ac.abort() });
  const timer = setTimeout(() => ac.abort(), 30_000);
  const res = await fetch(base + path, { headers: { accept: 'text/event-stream' }, signal: ac.signal }).catch(() => undefined);
  clearTimeout(timer);
  if (!res?.ok || !res.body) return false;
  void (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let pos = 0;
        for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n', pos)) {
          const data = buf.indexOf('data: ', pos);
          if (data !== -1 && data < end) onFrame(idx, buf.slice(data + 6, end));
          pos = end + 2;
        }
        buf = buf.slice(pos);
      }
    } catch {
      // aborted at the end of the run
    }
    closes.sse_end = (closes.sse_end ?? 0) + 1;
  })();
  return true;
}

/** Completes the WebSocket upgrade, then stops reading: the server's writes back up behind it. */
function openStalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL(base);
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      s.pause();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    stalled.push(s);
  });
}

async function connectAll(): Promise<{ open: number; failed: number }> {
  let open = 0;
  let failed = 0;
  const tasks: (() => Promise<boolean>)[] = [];
  for (let i = 0; i < count - stalledCount; i++) {
    perClient.push(0);
    tasks.push(() => (sse ? openSse(i) : openWs(i)));
  }
  for (let i = 0; i < stalledCount; i++) tasks.push(openStalled);
  // Connect in waves, so the server sees a busy but not a pathological connection storm.
  for (let i = 0; i < tasks.length; i += 100) {
    const ok = await Promise.all(tasks.slice(i, i + 100).map((t) => t()));
    for (const x of ok) {
      if (x) open++;
      else failed++;
    }
  }
  return { open, failed };
}

const ready = await connectAll();
process.stdout.write(JSON.stringify({ ready: true, ...ready }) + '\n');

createInterface({ input: process.stdin }).on('line', (cmd) => {
  if (cmd === 'mark') {
    events = frames = bytes = lagged = 0;
    perClient.fill(0);
    latency = new Histogram();
    markedAt = wallMs();
    process.stdout.write('{"marked":true}\n');
  } else if (cmd === 'report') {
    const fast = perClient.length ? perClient : [0];
    process.stdout.write(JSON.stringify({
      report: true, seconds: (wallMs() - markedAt) / 1000, events, frames, bytes, lagged, closes,
      minClientEvents: Math.min(...fast), maxClientEvents: Math.max(...fast), latency: latency.toJSON(),
    }) + '\n');
  } else if (cmd === 'close') {
    for (const s of sockets) s.close();
    for (const s of stalled) s.destroy();
    setTimeout(() => process.exit(0), 200);
  }
});
exitWithParent();
