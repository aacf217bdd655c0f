/**
 * Ceiling baseline: the least a Bun server can do for the same job — parse NDJSON, insert each event
 * into bun:sqlite in one transaction per request (WAL, synchronous=NORMAL, like Auren), reply 202, and
 * hand the batch to every WebSocket client with Bun's native `server.publish` (frames of ≤ 50 events).
 * No validation, tiers, dedup, limits or metrics: the gap to it is what Auren's pipeline costs.
 *
 *   bun bench/baselines/bun-ceiling.ts --port 0 --data-dir DIR
 */
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const dir = arg('--data-dir', './data-ceiling');
mkdirSync(dir, { recursive: true });
const db = new Database(join(dir, 'ceiling.db'), { create: true });
db.run('PRAGMA journal_mode = WAL');
db.run('PRAGMA synchronous = NORMAL');
db.run('CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, ts TEXT, type TEXT, agent_id TEXT, trace_id TEXT, body TEXT)');
const insert = db.prepare('INSERT INTO events (seq, ts, type, agent_id, trace_id, body) VALUES (?, ?, ?, ?, ?, ?)');
let seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM events').get() as { s: number }).s;

const FRAME_EVENTS = 50;

interface Parsed {
  line: string;
  e: Record<string, string | undefined>;
}

const store = db.transaction((rows: Parsed[]) => {
  for (const r of rows) insert.run(++seq, r.e.ts ?? null, r.e.type ?? null, r.e.agent_id ?? null, r.e.trace_id ?? null, r.line);
});

function split(text: string, json: boolean): Parsed[] {
  if (json) {
    const v = JSON.parse(text);
    return (Array.isArray(v) ? v : [v]).map((e) => ({ line: JSON.stringify(e), e }));
  }
  const out: Parsed[] = [];
  for (const line of text.split('\n')) if (line) out.push({ line, e: JSON.parse(line) });
  return out;
}

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(arg('--port', '0')),
  async fetch(req, srv) {
    const url = new URL(req.url);
    if (url.pathname === '/v1/stream') {
      return srv.upgrade(req) ? undefined : new Response('expected a WebSocket', { status: 426 });
    }
    if (url.pathname === '/healthz') return new Response('ok');
    if (url.pathname !== '/v1/events' || req.method !== 'POST') return new Response('not found', { status: 404 });
    let rows: Parsed[];
    try {
      rows = split(await req.text(), !(req.headers.get('content-type') ?? '').includes('ndjson'));
    } catch {
      return Response.json({ error: 'bad JSON' }, { status: 400 });
    }
    const first = seq + 1;
    store(rows);
    // Frames of at most 50 events, the size of Auren's operational batches, so both push the same bytes.
    for (let start = 0; start < rows.length; start += FRAME_EVENTS) {
      let frame = '{"type":"events","events":[';
      for (let i = start; i < Math.min(rows.length, start + FRAME_EVENTS); i++) frame += `${i > start ? ',' : ''}{"seq":${first + i},${rows[i].line.slice(1)}`;
      srv.publish('all', frame + ']}');
    }
    return Response.json({ accepted: rows.length, duplicates: 0, rejected: 0, errors: [] }, { status: 202 });
  },
  websocket: {
    open: (ws) => void ws.subscribe('all'),
    message() {},
    // Same bound as Auren's hard ceiling: slow readers are cut off instead of growing memory forever.
    backpressureLimit: 64 * 1024 * 1024,
    closeOnBackpressureLimit: true,
    idleTimeout: 120,
  },
});
console.log(`ceiling listening on http://127.0.0.1:${server.port}`);
const bye = () => {
  void server.stop(true);
  db.close();
  process.exit(0);
};
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
