import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startTestServer, useTestServer, type TestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';

async function post(url: string, body: BodyInit, headers: Record<string, string>) {
  const res = await fetch(url + '/v1/events', { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

async function replayAll(s: TestServer) {
  return s.ctx.log.read(0, 1_000_000);
}

describe('POST /v1/events', () => {
  const s = useTestServer({ config: { maxBodyBytes: 64 * 1024 } });

  it('takes one object', async () => {
    const r = await postEvents(s.url, { type: 'agent.step', id: 'one-1' });
    expect(r).toEqual({ status: 202, json: { accepted: 1, duplicates: 0, rejected: 0, errors: [] } });
  });

  it('takes an array with partial acceptance and names each bad event by index', async () => {
    const r = await postEvents(s.url, [{ type: 'a.ok' }, { type: 'BAD' }, { type: 'b.ok' }, 'nope']);
    expect(r.status).toBe(202);
    expect(r.json.accepted).toBe(2);
    expect(r.json.rejected).toBe(2);
    expect(r.json.errors).toEqual([
      { index: 1, error: expect.stringMatching(/dotted lowercase/) },
      { index: 3, error: expect.stringMatching(/JSON object/) },
    ]);
  });

  it('takes NDJSON, skipping blank lines, with per-line JSON errors', async () => {
    const body = '{"type":"n.one"}\n\n{"type":"n.two"}\r\n{not json}\n';
    const r = await post(s.url, body, { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 2, error: expect.stringMatching(/not valid JSON/) }] });
  });

  it('takes gzip bodies', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify([{ type: 'g.one' }, { type: 'g.two' }])));
    const r = await post(s.url, body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(202);
    expect(r.json.accepted).toBe(2);
  });

  it('refuses a gzip bomb at the body limit with 413', async () => {
    const body = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(body.byteLength).toBeLessThan(64 * 1024);
    const r = await post(s.url, body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/over the limit/);
  });

  it('refuses a body without Content-Length at the limit with 413, storing none of it', async () => {
    const before = (await replayAll(s)).length;
    const line = `${JSON.stringify({ type: 'big.line', data: { s: 'x'.repeat(900) } })}\n`;
    // Chunked, so the limit can only be found while reading (keeping the connection after such a
    // refusal is test/hardening/refused-body-connection.test.ts).
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(s.url + '/v1/events', { method: 'POST', agent: false, headers: { 'content-type': 'application/x-ndjson' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      for (let sent = 0; sent < 256 * 1024; sent += line.length * 8) req.write(line.repeat(8));
      req.end();
    });
    expect(status).toBe(413);
    expect((JSON.parse(text) as { error: string }).error).toMatch(/over the limit of 65536 bytes/);
    expect((await replayAll(s)).length).toBe(before);
    const after = await postEvents(s.url, { type: 'agent.step', id: 'after-413' });
    expect(after.status).toBe(202);
  });

  it('answers 400 for a corrupt gzip body', async () => {
    const r = await post(s.url, Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/gzip/);
  });

  it('answers 415 for other content types and encodings', async () => {
    const a = await post(s.url, 'type=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(a.status).toBe(415);
    expect(a.json.error).toMatch(/application\/x-ndjson/);
    const b = await post(s.url, '{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(b.status).toBe(415);
  });

  it('answers 413 over the body limit', async () => {
    const r = await post(s.url, JSON.stringify({ type: 'a.b', data: 'x'.repeat(70 * 1024) }), { 'content-type': 'application/json' });
    expect(r.status).toBe(413);
  });

  it('answers 400 for malformed JSON, empty bodies, invalid UTF-8, and when every event is invalid', async () => {
    for (const [body, msg] of [
      ['{"type":', /not valid JSON/],
      ['[]', /empty array/],
      ['', /not valid JSON/],
      [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /UTF-8/],
      ['[{"type":"X"}]', /no event in the request is valid/],
      ['[' + '['.repeat(20_000) + ']'.repeat(20_000) + ']', /JSON object|nested/],
    ] as const) {
      const r = await post(s.url, body as BodyInit, { 'content-type': 'application/json' });
      expect(r.status, String(body).slice(0, 20)).toBe(400);
      expect(String(r.json.error)).toMatch(msg);
    }
  });

  it('deduplicates ids within a request and across requests', async () => {
    const a = await postEvents(s.url, [{ type: 'd.x', id: 'dup-1' }, { type: 'd.x', id: 'dup-1' }]);
    expect(a.json).toMatchObject({ accepted: 1, duplicates: 1 });
    const b = await postEvents(s.url, { type: 'd.x', id: 'dup-1' });
    expect(b.status).toBe(202);
    expect(b.json).toMatchObject({ accepted: 0, duplicates: 1 });
    const stored = (await replayAll(s)).filter((e) => e.id === 'dup-1');
    expect(stored).toHaveLength(1);
  });

  it('classifies into tiers by the default rules, data.severity and the tier override', async () => {
    await postEvents(s.url, [
      { type: 'tool.error', id: 'c1' },
      { type: 'task.failed', id: 'c2' },
      { type: 'system.alert', id: 'c3' },
      { type: 'biometric.alert', id: 'c4' },
      { type: 'agent.step', id: 'c5', data: { severity: 'critical' } },
      { type: 'memory.formed', id: 'c6' },
      { type: 'knowledge.node_added', id: 'c7' },
      { type: 'metric.cpu', id: 'c8' },
      { type: 'hypothesis.created', id: 'c9' },
      { type: 'llm.call', id: 'c10' },
      { type: 'memory.formed', id: 'c11', tier: 'critical' },
    ]);
    const tiers = Object.fromEntries((await replayAll(s)).filter((e) => /^c\d+$/.test(e.id)).map((e) => [e.id, e.tier]));
    expect(tiers).toEqual({
      c1: 'critical', c2: 'critical', c3: 'critical', c4: 'critical', c5: 'critical',
      c6: 'analytical', c7: 'analytical', c8: 'analytical', c9: 'analytical', c10: 'operational', c11: 'critical',
    });
  });

  it('assigns monotonic seqs and keeps a caller-supplied cost_usd', async () => {
    await postEvents(s.url, [{ type: 'llm.call', id: 'cost-1', model: 'gpt-4o', usage: { input_tokens: 1000 }, cost_usd: 42 }]);
    const all = await replayAll(s);
    for (let i = 1; i < all.length; i++) expect(all[i].seq).toBeGreaterThan(all[i - 1].seq);
    expect(all.find((e) => e.id === 'cost-1')?.cost_usd).toBe(42);
  });

  it('answers 404 with a message for unknown routes', async () => {
    const res = await fetch(s.url + '/v1/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/no route/);
  });
});

describe('dedup survives a restart', () => {
  it('rejects an id accepted before the restart', async () => {
    const a = await startTestServer();
    await postEvents(a.url, { type: 'r.x', id: 'keep-1' });
    await a.stop();
    const b = await startTestServer({ config: { dataDir: a.config.dataDir } });
    const r = await postEvents(b.url, [{ type: 'r.x', id: 'keep-1' }, { type: 'r.x', id: 'keep-2' }]);
    expect(r.json).toMatchObject({ accepted: 1, duplicates: 1 });
    const all = await b.ctx.log.read(0, 100);
    expect(all.map((e) => [e.seq, e.id])).toEqual([[1, 'keep-1'], [2, 'keep-2']]);
    await b.stop();
  });
});

describe('load shedding', () => {
  it('answers 429 with Retry-After when too many bodies are in flight, and recovers', async () => {
    const s = await startTestServer({ config: { maxInflight: 1 } });
    const { request } = await import('node:http');
    const slow = request(s.url + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } });
    const slowDone = new Promise<number>((r) => slow.on('response', (res) => (res.resume(), r(res.statusCode!))));
    slow.write('[{"type":"slow.one"}');
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(s.url + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"fast.one"}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: string }).error).toMatch(/in flight/);
    slow.end(']'.padEnd(100 - 20, ' '));
    expect(await slowDone).toBe(202);
    expect((await postEvents(s.url, { type: 'fast.two' })).status).toBe(202);
    expect(await (await fetch(s.url + '/metrics')).text()).toMatch(/auren_ingest_shed_total\{reason="inflight"\} 1/);
    await s.stop();
  });
});
