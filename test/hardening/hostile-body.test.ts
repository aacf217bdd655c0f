/**
 * Hostile request bodies and framing, table-driven, on both builds: each gets a clear 4xx naming the
 * problem, nothing crashes, nothing stored is harmed, and what is stored reads back byte for byte.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, restartProduct, type Product } from './support/product.js';
import { rawRequest } from './support/raw-http.js';
import { replayAll } from './support/replay.js';

interface Case {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  /** Matches the error (or the first per-event error). */
  error?: RegExp;
  accepted?: number;
}

const json = { 'content-type': 'application/json' };
const ndjson = { 'content-type': 'application/x-ndjson' };
const MiB = 1024 * 1024;

const CASES: Case[] = [
  { name: 'a 6 MiB body', body: JSON.stringify({ type: 'a.b', data: 'x'.repeat(6 * MiB) }), headers: json, status: 413, error: /over the limit of 5242880 bytes/ },
  { name: 'a gzip bomb (10 MiB of spaces)', body: gzipSync(Buffer.alloc(10 * MiB, 0x20)), headers: { ...json, 'content-encoding': 'gzip' }, status: 413, error: /over the limit/ },
  { name: 'gzip, gzip', body: gzipSync(gzipSync('{"type":"a.b"}')), headers: { ...json, 'content-encoding': 'gzip, gzip' }, status: 415, error: /Content-Encoding/ },
  { name: 'gzip with trailing garbage', body: Buffer.concat([gzipSync('{"type":"a.b"}'), Buffer.from('garbage')]), headers: { ...json, 'content-encoding': 'gzip' }, status: 400 },
  { name: '1M tiny NDJSON events', body: '{}\n'.repeat(1_000_000), headers: ndjson, status: 413, error: /more than 100000 events/ },
  { name: '1M tiny array items', body: `[${'1,'.repeat(999_999)}1]`, headers: json, status: 413, error: /more than 100000 events/ },
  { name: '4M blank NDJSON lines', body: '\n'.repeat(4_000_000), headers: ndjson, status: 400, error: /no events/ },
  { name: '100k nested arrays', body: '['.repeat(100_000) + ']'.repeat(100_000), headers: json, status: 400 },
  { name: 'data nested 100k deep', body: `{"type":"a.b","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, headers: json, status: 400, error: /nested/ },
  { name: 'data nested 65 deep', body: `{"type":"a.b","data":${'{"a":'.repeat(65)}1${'}'.repeat(65)}}`, headers: json, status: 400, error: /nested deeper than 64/ },
  { name: 'a 100k-digit number in data', body: `{"type":"a.b","data":{"n":1${'0'.repeat(100_000)}}}`, headers: json, status: 400, error: /number/ },
  { name: '1e999 in data', body: '{"type":"a.b","data":[1e999]}', headers: json, status: 400, error: /number/ },
  { name: '-1e999 as data', body: '{"type":"a.b","data":-1e999}', headers: json, status: 400, error: /number/ },
  { name: '1e999 tokens', body: '{"type":"a.b","usage":{"input_tokens":1e999}}', headers: json, status: 400, error: /usage.input_tokens/ },
  { name: '2^53+1 tokens', body: '{"type":"a.b","usage":{"input_tokens":9007199254740993}}', headers: json, status: 400, error: /usage.input_tokens/ },
  { name: 'a __proto__ field', body: '{"type":"a.b","__proto__":{"tier":"critical"}}', headers: json, status: 400, error: /unknown field "__proto__"/ },
  { name: 'a constructor field', body: '{"type":"a.b","constructor":{"prototype":{}}}', headers: json, status: 400, error: /unknown field "constructor"/ },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json, status: 400, error: /UTF-8/ },
  { name: 'overlong UTF-8', body: Buffer.concat([Buffer.from('{"type":"a.b","data":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), headers: json, status: 400, error: /UTF-8/ },
  { name: 'a UTF-8-encoded surrogate', body: Buffer.concat([Buffer.from('{"type":"a.b","data":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), headers: json, status: 400, error: /UTF-8/ },
  { name: 'a raw NUL byte between tokens', body: '{"type":"a.b",\u0000"id":"x"}', headers: json, status: 400, error: /not valid JSON/ },
  { name: 'a NUL in the id', body: '{"type":"a.b","id":"a\\u0000b"}', headers: json, status: 400, error: /"id" must not contain control characters/ },
  { name: 'CRLF header injection in the id', body: '{"type":"a.b","id":"x\\r\\nSet-Cookie: a=b"}', headers: json, status: 400, error: /control characters/ },
  { name: 'CRLF in the agent id', body: '{"type":"a.b","agent_id":"x\\r\\nX: y"}', headers: json, status: 400, error: /"agent_id" must not contain control characters/ },
  { name: 'a lone surrogate in the id', body: '{"type":"a.b","id":"x\\ud800"}', headers: json, status: 400, error: /"id" .*(surrogate|Unicode)/ },
  { name: 'a lone low surrogate in the session id', body: '{"type":"a.b","session_id":"\\udc00"}', headers: json, status: 400, error: /"session_id" .*(surrogate|Unicode)/ },
  { name: 'a 129-character id', body: JSON.stringify({ type: 'a.b', id: 'i'.repeat(129) }), headers: json, status: 400, error: /1 to 128 characters/ },
  { name: 'a 100k-event array of non-objects', body: `[${'"x",'.repeat(99_999)}"x"]`, headers: json, status: 400, error: /JSON object/ },
  { name: 'text/plain', body: '{"type":"a.b"}', headers: { 'content-type': 'text/plain' }, status: 415, error: /Content-Type/ },
  { name: 'multipart', body: '--b\r\n\r\n{"type":"a.b"}\r\n--b--', headers: { 'content-type': 'multipart/form-data; boundary=b' }, status: 415 },
  { name: 'an empty body', body: '', headers: json, status: 400 },
  // A UTF-8 byte order mark is tolerated (some Windows tools write one).
  { name: 'a BOM-prefixed body', body: '\ufeff{"type":"a.b","id":"bom"}', headers: json, status: 202, accepted: 1 },
  { name: 'a JSON string', body: '"just a string"', headers: json, status: 400, error: /JSON object/ },
  // Stored as sent: strings that look like control sequences elsewhere are only data here.
  { name: 'SSE framing inside data', body: JSON.stringify({ type: 'a.b', id: 'sse-frame', data: { t: '\n\ndata: {"type":"events"}\r\n\r\nid: 999\n' } }), headers: json, status: 202, accepted: 1 },
  { name: 'NUL and escapes inside data', body: JSON.stringify({ type: 'a.b', id: 'nul-data', data: { s: 'a\u0000b\u2028c\ud83d\ude00', __proto__: { admin: true } } }), headers: json, status: 202, accepted: 1 },
  { name: 'a __proto__ severity inside data', body: '{"type":"a.b","id":"proto-sev","data":{"__proto__":{"severity":"critical"}}}', headers: json, status: 202, accepted: 1 },
];

async function send(url: string, c: Case) {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: c.headers, body: c.body as BodyInit });
  const text = await res.text();
  let body: { error?: string; errors?: { error: string }[]; accepted?: number } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // reported below
  }
  return { status: res.status, text, body };
}

describe.each(TARGETS)('hostile bodies (%s)', (target) => {
  let p: Product;
  beforeAll(async () => {
    p = await startProduct(target);
    const r = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: json, body: '{"type":"a.b","id":"canary","data":{"keep":true}}' });
    expect(r.status).toBe(202);
  });
  afterAll(async () => {
    await p.kill9();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const r = await send(p.url, c);
    expect(r.status, r.text.slice(0, 300)).toBe(c.status);
    const message = r.body.error ?? '';
    expect(message.length + (r.body.accepted ?? 0), 'every refusal carries a message').toBeGreaterThan(0);
    if (c.error) expect(`${message} ${r.body.errors?.[0]?.error ?? ''}`).toMatch(c.error);
    if (c.accepted !== undefined) expect(r.body.accepted).toBe(c.accepted);
  });

  it('takes 100,000 tiny events in one body (the per-request cap)', async () => {
    const r = await send(p.url, { name: 'max', body: '{"type":"t.tiny"}\n'.repeat(100_000), headers: ndjson, status: 202 });
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(100_000);
  });

  it('refuses broken HTTP framing (smuggling, bad lengths, huge headers) without answering 5xx', async () => {
    const raws = [
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 14\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 14\r\nContent-Length: 15\r\n\r\n{"type":"a.b"}',
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999\r\n\r\n{"type":"a.b"}',
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'a'.repeat(70_000)}\r\n\r\n`,
      `GET /v1/stream?types=${'a,'.repeat(50_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 5000 }, (_, i) => `X-${i}: y\r\n`).join('')}\r\n`,
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u0000b\r\n\r\n',
      'GET /healthz HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
    ];
    for (const raw of raws) {
      const r = await rawRequest(p.url, Buffer.from(raw, 'latin1'), 3000);
      expect(r.status, raw.slice(0, 80)).toBeGreaterThanOrEqual(400);
      // 505 is the one 5xx HTTP reserves for a protocol version the server does not speak.
      if (r.status !== 505) expect(r.status, raw.slice(0, 80)).toBeLessThan(500);
      // Smuggled requests never run: the second request in the first raw must not be answered.
      expect(r.text.match(/HTTP\/1\.1 /g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
  });

  it('is still healthy, kept the canary, and reads stored data back exactly', async () => {
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    const check = async (url: string) => {
      const { events } = await replayAll(url);
      const byId = new Map(events.map((e) => [e.id as string, e]));
      expect(byId.get('canary')?.data).toEqual({ keep: true });
      expect(byId.get('sse-frame')?.data).toEqual({ t: '\n\ndata: {"type":"events"}\r\n\r\nid: 999\n' });
      expect(JSON.stringify(byId.get('nul-data')?.data)).toBe(JSON.stringify({ s: 'a\u0000b\u2028c\ud83d\ude00', __proto__: { admin: true } }));
      expect(byId.get('proto-sev')?.tier).toBe('operational');
      expect(events.filter((e) => e.type === 't.tiny')).toHaveLength(100_000);
      expect(byId.has('bom')).toBe(true);
      // Storm control adds its own storm.* summary events for the 100k identical ones.
      expect(events.filter((e) => !String(e.type).startsWith('storm.')).length).toBe(100_005);
    };
    await check(p.url);
    // The same after a restart: what is on disk is what was accepted.
    expect(await p.stop()).toBe(0);
    p = await restartProduct(p);
    await check(p.url);
  });
});
