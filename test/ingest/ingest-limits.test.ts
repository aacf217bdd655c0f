/**
 * The ingest gate on a real server (Node runtime, in-process): per-address shares of the in-flight
 * slots and bytes, the byte budget, and the body deadline, each answered with a message naming the
 * limit. Clients bind 127.0.0.2 / 127.0.0.3 as their source to be two addresses.
 */
import { request, type ClientRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Open {
  req: ClientRequest;
  /** Status and body of the answer, once it comes. */
  answer: Promise<{ status: number; body: string }>;
}

/** Starts a POST from `localAddress` that declares `length` bytes; nothing of the body is sent yet. */
function start(url: string, localAddress: string, length: number, path = '/v1/events'): Open {
  const req = request(url + path, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': String(length) } });
  const answer = new Promise<{ status: number; body: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
  return { req, answer };
}

/** A body that stalls after its first byte. */
function slowPost(url: string, localAddress: string, length: number, path?: string): Open {
  const o = start(url, localAddress, length, path);
  o.req.write('[');
  return o;
}

function post(url: string, localAddress: string, body: string): Promise<{ status: number; body: string }> {
  const o = start(url, localAddress, Buffer.byteLength(body));
  o.req.end(body);
  return o.answer;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ingest limits per address', () => {
  let s: TestServer | undefined;
  const open: Open[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) o.req.destroy();
    await s?.stop();
    expect(s?.errors).toEqual([]);
  });

  it('keeps one address to its share of the slots; another address still gets in', async () => {
    s = await startTestServer({ config: { maxInflight: 4 } });
    open.push(slowPost(s.url, '127.0.0.2', 1000), slowPost(s.url, '127.0.0.2', 1000));
    await tick(100);
    const third = await post(s.url, '127.0.0.2', '{"type":"x.y"}');
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error).toMatch(/your address already has 2 ingest requests in flight \(50% of --max-inflight 4\)/);
    expect((await post(s.url, '127.0.0.3', '{"type":"x.y"}')).status).toBe(202);
  });

  it('bounds the bytes in flight, and one address gets only its share of them', async () => {
    s = await startTestServer({ config: { maxInflightBytes: 4000 } });
    open.push(slowPost(s.url, '127.0.0.2', 1500));
    await tick(100);
    const mine = await post(s.url, '127.0.0.2', '[' + '{"type":"x.y"},'.repeat(40) + '{"type":"x.y"}]');
    expect(mine.status).toBe(429);
    expect(JSON.parse(mine.body).error).toMatch(/from your address already hold 50% of the 4000 bytes budget \(--max-inflight-bytes\)/);
    open.push(slowPost(s.url, '127.0.0.3', 2000));
    await tick(100);
    const third = await post(s.url, '127.0.0.4', '[' + '{"type":"x.y"},'.repeat(40) + '{"type":"x.y"}]');
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error).toMatch(/already hold the 4000 bytes budget/);
    expect((await post(s.url, '127.0.0.4', '{"type":"x.y"}')).status).toBe(202);
  });

  it('cuts off a body not complete within --body-timeout with 408, on /v1/events and /v1/traces', async () => {
    s = await startTestServer({ config: { bodyTimeoutMs: 300 } });
    const events = slowPost(s.url, '127.0.0.2', 1000);
    const traces = slowPost(s.url, '127.0.0.2', 1000, '/v1/traces');
    open.push(events, traces);
    const [e, t] = await Promise.all([events.answer, traces.answer]);
    expect(e.status).toBe(408);
    expect(JSON.parse(e.body).error).toMatch(/not complete within 0.3 s \(--body-timeout\)/);
    expect(t.status).toBe(408);
    expect(t.body).toMatch(/--body-timeout/);
    expect(await (await fetch(s.url + '/metrics')).text()).toMatch(/auren_ingest_bodies_cut_total\{reason="timeout"\} 2/);
  });
});
