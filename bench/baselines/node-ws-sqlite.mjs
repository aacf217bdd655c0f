/**
 * What users write by hand: a plain Node http server that parses JSON/NDJSON, inserts the events into
 * better-sqlite3 in one transaction, and broadcasts each request's batch to every `ws` client with a
 * send loop. No limits: a client that does not read keeps its messages buffered in the server.
 *
 *   node bench/baselines/node-ws-sqlite.mjs --port 0 --data-dir DIR
 */
import Database from 'better-sqlite3';
import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const dir = arg('--data-dir', './data-handwritten');
mkdirSync(dir, { recursive: true });
const db = new Database(join(dir, 'events.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT, type TEXT NOT NULL,
  agent_id TEXT, session_id TEXT, trace_id TEXT, model TEXT, input_tokens INTEGER, output_tokens INTEGER, data TEXT)`);
const insert = db.prepare(`INSERT INTO events (ts, type, agent_id, session_id, trace_id, model, input_tokens, output_tokens, data)
  VALUES (@ts, @type, @agent_id, @session_id, @trace_id, @model, @input_tokens, @output_tokens, @data)`);
const insertAll = db.transaction((events) =>
  events.map((e) => {
    const row = {
      ts: e.ts ?? new Date().toISOString(), type: e.type, agent_id: e.agent_id ?? null, session_id: e.session_id ?? null,
      trace_id: e.trace_id ?? null, model: e.model ?? null, input_tokens: e.usage?.input_tokens ?? null,
      output_tokens: e.usage?.output_tokens ?? null, data: e.data === undefined ? null : JSON.stringify(e.data),
    };
    return { seq: Number(insert.run(row).lastInsertRowid), ...e };
  }),
);

function parse(text, contentType) {
  if ((contentType ?? '').includes('ndjson')) return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const v = JSON.parse(text);
  return Array.isArray(v) ? v : [v];
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/events') {
    res.writeHead(req.url === '/healthz' ? 200 : 404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let events;
    try {
      events = parse(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad JSON"}');
      return;
    }
    const stored = insertAll(events);
    const msg = JSON.stringify({ type: 'events', events: stored });
    for (const client of wss.clients) if (client.readyState === 1) client.send(msg);
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: stored.length, duplicates: 0, rejected: 0, errors: [] }));
  });
});
const wss = new WebSocketServer({ server, path: '/v1/stream' });
server.listen(Number(arg('--port', '0')), '127.0.0.1', () => {
  console.log(`handwritten listening on http://127.0.0.1:${server.address().port}`);
});
const bye = () => {
  for (const c of wss.clients) c.terminate();
  server.close();
  db.close();
  process.exit(0);
};
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
