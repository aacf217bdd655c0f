import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpTypes } from '../../src/otlp/otlp-schema.js';
import { startTestServer, useTestServer, type TestServer } from '../helpers/server.js';
import { connectStream, useStream } from '../helpers/ws-client.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
let n = 0;
const spanId = () => (++n).toString(16).padStart(16, 'a');
const nowNs = () => `${Date.now()}000000`;

function span(extra: Record<string, unknown> = {}, attrs: Record<string, unknown>[] = []) {
  return { traceId: TRACE, spanId: spanId(), name: 'chat', startTimeUnixNano: nowNs(), endTimeUnixNano: nowNs(), attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, ...attrs], ...extra };
}
const request = (spans: unknown[]) => ({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });

describe('POST /v1/traces with hostile or broken input', () => {
  const s = useTestServer();
  const stream = useStream(s);

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${s.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body instanceof Uint8Array || typeof body === 'string' ? (body as BodyInit) : JSON.stringify(body),
    });
    const buf = new Uint8Array(await res.arrayBuffer());
    const isProto = res.headers.get('content-type') === 'application/x-protobuf';
    const json = isProto ? undefined : (JSON.parse(new TextDecoder().decode(buf) || '{}') as Record<string, unknown>);
    return { status: res.status, json, buf, isProto };
  }
  const eventFor = async (id: string) => {
    await stream.until(() => stream.events().some((e) => e.span_id === id));
    return stream.events().find((e) => e.span_id === id) as Record<string, unknown> & { data: Record<string, unknown> };
  };

  it('refuses other content types with 415', async () => {
    const r = await post('hello', { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json!.message).toMatch(/application\/x-protobuf or application\/json/);
  });

  it('answers a truncated protobuf body with a 400 Status in protobuf', async () => {
    const full = otlpTypes().request.encode(otlpTypes().request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.alloc(8, 1), name: 'x' }] }] }] })).finish();
    const r = await post(full.subarray(0, full.length - 5), { 'content-type': 'application/x-protobuf' });
    expect(r.status).toBe(400);
    expect(r.isProto).toBe(true);
    const st = otlpTypes().status.toObject(otlpTypes().status.decode(r.buf)) as { code: number; message: string };
    expect(st.code).toBe(3);
    expect(st.message).toMatch(/not a valid OTLP ExportTraceServiceRequest.*truncated/);
  });

  it('answers invalid JSON and wrong shapes with 400', async () => {
    expect((await post('{"resourceSpans": [')).status).toBe(400);
    expect((await post('[1,2]')).json!.message).toMatch(/ExportTraceServiceRequest object/);
    expect((await post({ resourceSpans: 'x' })).json!.message).toMatch(/"resourceSpans" must be an array/);
  });

  it('accepts an empty request (protobuf and JSON) with an empty response', async () => {
    const p = await post(new Uint8Array(0), { 'content-type': 'application/x-protobuf' });
    expect([p.status, p.buf.length]).toEqual([200, 0]);
    expect(await post({})).toMatchObject({ status: 200, json: {} });
  });

  it('rejects spans without ids: 400 when all are bad, partial_success when some are', async () => {
    const all = await post(request([span({ traceId: '' }), span({ spanId: '0000000000000000' })]));
    expect(all.status).toBe(400);
    expect(all.json!.message).toMatch(/trace_id is missing.*span_id is missing/);
    const good = span();
    const some = await post(request([good, span({ traceId: 'not-hex' }), span({ startTimeUnixNano: undefined, endTimeUnixNano: undefined })]));
    expect(some.status).toBe(200);
    expect(some.json).toMatchObject({ partialSuccess: { rejectedSpans: '2' } });
    expect(String((some.json!.partialSuccess as Record<string, unknown>).errorMessage)).toMatch(/trace_id must be 16 bytes.*both missing/);
    await eventFor(good.spanId);
  });

  it('reports partial_success in protobuf too', async () => {
    const t = otlpTypes();
    const body = t.request.encode(t.request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.from(spanId(), 'hex'), name: 'ok', startTimeUnixNano: nowNs() },
      { traceId: Buffer.from(TRACE, 'hex'), name: 'no span id', startTimeUnixNano: nowNs() },
    ] }] }] })).finish();
    const r = await post(body, { 'content-type': 'application/x-protobuf' });
    expect(r.status).toBe(200);
    const resp = t.response.toObject(t.response.decode(r.buf), { longs: Number }) as { partialSuccess: { rejectedSpans: number; errorMessage: string } };
    expect(resp.partialSuccess.rejectedSpans).toBe(1);
    expect(resp.partialSuccess.errorMessage).toMatch(/span_id is missing/);
  });

  it('cuts absurd attribute sizes, counts and nesting, and says so in data', async () => {
    const huge = 'x'.repeat(1_000_000);
    const many = Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: { intValue: String(i) } }));
    let deep: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 0; i < 50; i++) deep = { kvlistValue: { values: [{ key: 'd', value: deep }] } };
    const big = span({}, [{ key: 'gen_ai.prompt', value: { stringValue: huge } }, { key: 'deep', value: deep }, { key: 'big.int', value: { intValue: '9223372036854775807' } }, ...many]);
    const r = await post(request([big]));
    expect(r.status).toBe(200);
    const e = await eventFor(big.spanId);
    const attrs = e.data.attributes as Record<string, unknown>;
    expect((attrs['gen_ai.prompt'] as string).length).toBe(8192);
    expect(Object.keys(attrs)).toHaveLength(128);
    expect(attrs['big.int']).toBe('9223372036854775807');
    expect(JSON.stringify(attrs.deep)).toContain('[nested too deep]');
    const notes = (e.data.truncated as string[]).join('\n');
    expect(notes).toMatch(/gen_ai.prompt: string of 1000000 characters cut to 8192/);
    expect(notes).toMatch(/kept the first 128 of 504 attributes/);
    expect(JSON.stringify(e.data).length).toBeLessThanOrEqual(s.config.maxEventBytes);
  });

  it('keeps an event under the size limit when many large attributes add up', async () => {
    const attrs = Array.from({ length: 40 }, (_, i) => ({ key: `gen_ai.prompt.${i}.content`, value: { stringValue: 'y'.repeat(8000) } }));
    const sp = span({}, attrs);
    expect((await post(request([sp]))).status).toBe(200);
    const e = await eventFor(sp.spanId);
    expect(JSON.stringify(e.data).length).toBeLessThanOrEqual(s.config.maxEventBytes);
    expect((e.data.truncated as string[]).some((t) => /removed to fit the 65536-byte event limit/.test(t))).toBe(true);
  });

  it('clamps 1970 and far-future start times to the time received and keeps the original', async () => {
    const old = span({ startTimeUnixNano: '1000000000', endTimeUnixNano: '3000000000' });
    const future = span({ startTimeUnixNano: `${Date.now() + 3 * 86_400_000}000000` });
    const before = Date.now();
    expect((await post(request([old, future]))).status).toBe(200);
    const a = await eventFor(old.spanId);
    const b = await eventFor(future.spanId);
    for (const e of [a, b]) expect(new Date(e.ts as string).getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(a.data.clock_skew).toMatchObject({ original_start_unix_nano: '1000000000', reason: 'before 2000-01-01' });
    expect(a.data.duration_ms).toBe(2000);
    expect(b.data.clock_skew).toMatchObject({ reason: 'more than 24 h in the future' });
  });

  it('accepts gzip bodies and refuses bodies over the limit with 413', async () => {
    const sp = span();
    const r = await post(gzipSync(JSON.stringify(request([sp]))), { 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    await eventFor(sp.spanId);
    const bomb = gzipSync(Buffer.alloc(s.config.maxBodyBytes + 10, 32));
    expect((await post(bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('says plainly that OTLP metrics and logs are not ingested', async () => {
    const r = await fetch(`${s.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { message: string }).message).toMatch(/traces only.*OTEL_METRICS_EXPORTER=none/);
    const p = await fetch(`${s.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(0) });
    expect([p.status, p.headers.get('content-type')]).toEqual([404, 'application/x-protobuf']);
  });

  it('counts received and rejected spans on /metrics', async () => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(Number(/auren_otlp_spans_total\{kind="rejected"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(5);
    expect(Number(/auren_otlp_spans_total\{kind="received"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(10);
  });

  it('ignores cycles in parent links when inheriting the agent', async () => {
    const a = span({}, []);
    const b = span({ parentSpanId: a.spanId });
    (a as Record<string, unknown>).parentSpanId = b.spanId;
    expect((await post(request([a, b]))).status).toBe(200);
    expect((await eventFor(b.spanId)).agent_id).toBe('svc');
  });
});

const ING = 'ingest-key-0123456789';
const RD = 'read-key-0123456789ab';

describe('POST /v1/traces with API keys', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ config: { apiKeys: `${ING}=acme:ingest,${RD}=acme:read` } });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('needs an ingest key and files spans under its project', async () => {
    const body = JSON.stringify(request([span()]));
    const send = (key?: string) => fetch(`${s.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body });
    expect((await send()).status).toBe(401);
    expect((await send(RD)).status).toBe(403);
    expect((await send('nope-nope-nope-nope')).status).toBe(401);
    expect((await send(ING)).status).toBe(200);
    const c = await connectStream(s.url, `token=${RD}`);
    c.send({ op: 'subscribe', since: 0 });
    await c.until(() => c.events().length === 1);
    expect(c.events()[0]).toMatchObject({ project: 'acme', type: 'llm.call' });
    c.close();
  });
});
