/**
 * A refused WebSocket upgrade says why, like any other refusal: the JSON error message, and the
 * headers a client acts on (WWW-Authenticate on 401, Retry-After on 503), on both builds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TARGETS } from '../helpers/binary.js';
import { connectStream, type Collected } from '../helpers/ws-client.js';
import { KEYS, API_KEYS, bearer } from './support/keys.js';
import { startProduct, type Product } from './support/product.js';

function refusal(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, { headers });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('unexpected-response', (_q, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    ws.on('error', () => {});
  });
}

describe.each(TARGETS)('refused WebSocket upgrades (%s)', (target) => {
  let p: Product;
  let holder: Collected;
  beforeAll(async () => {
    p = await startProduct(target, { apiKeys: API_KEYS, args: ['--max-clients', '1'] });
  });
  afterAll(async () => {
    holder?.close();
    await p.kill9();
  });

  it('401 carries WWW-Authenticate and the error', async () => {
    const r = await refusal(p.url, {});
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(r.body).error).toMatch(/API key/);
  });

  it('403 carries the error', async () => {
    const r = await refusal(p.url, bearer(KEYS.aIngest));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatch(/read/);
  });

  it('503 when full carries Retry-After and the error', async () => {
    holder = await connectStream(p.url, '', bearer(KEYS.aRead));
    const r = await refusal(p.url, bearer(KEYS.aRead));
    expect(r.status).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(r.body).error).toMatch(/too many stream clients/);
  });
});
