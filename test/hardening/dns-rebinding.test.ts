/**
 * DNS rebinding with auth off: a page that points its own name at 127.0.0.1 must not be able to read
 * or write the loopback server through the visitor's browser. Requests whose Host is not a loopback
 * name get 403; loopback names keep working; with keys any Host works (keys protect it). Both builds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { API_KEYS, KEYS, bearer } from './support/keys.js';
import { startProduct, type Product } from './support/product.js';
import { rawRequest } from './support/raw-http.js';

const get = (path: string, host: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;
const post = (host: string, extra = '') => `POST /v1/events HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${extra}Content-Length: 14\r\nConnection: close\r\n\r\n{"type":"a.b"}`;

describe.each(TARGETS)('DNS rebinding (%s)', (target) => {
  let open: Product;
  let keyed: Product;
  beforeAll(async () => {
    open = await startProduct(target);
    keyed = await startProduct(target, { apiKeys: API_KEYS });
  });
  afterAll(async () => {
    await open.kill9();
    await keyed.kill9();
  });

  it.each(['rebind.attacker.example', 'rebind.attacker.example:8080', '127.0.0.1.nip.io', 'localhost.attacker.example', '[::ffff:7f00:1]'])('auth off: Host %s gets 403', async (host) => {
    for (const req of [get('/ui/session', host), get('/v1/stream?since=0', host, 'Accept: text/event-stream\r\n'), get('/', host), post(host)]) {
      const r = await rawRequest(open.url, req, 3000);
      expect(r.status, req.split('\r\n')[0]).toBe(403);
      expect(r.text).toMatch(/not a loopback name/);
    }
  });

  it.each(['localhost', 'app.localhost', '127.0.0.1', '127.0.0.2', '[::1]'])('auth off: Host %s is served', async (host) => {
    const port = new URL(open.url).port;
    for (const h of [host, `${host}:${port}`]) {
      expect((await rawRequest(open.url, get('/ui/session', h), 3000)).status).toBe(200);
      expect((await rawRequest(open.url, post(h), 3000)).status).toBe(202);
    }
  });

  it('auth on: any Host, the key decides', async () => {
    const h = 'auren.example.com';
    expect((await rawRequest(keyed.url, get('/v1/stream?since=0', h, 'Accept: text/event-stream\r\n'), 3000)).status).toBe(401);
    expect((await rawRequest(keyed.url, post(h, `Authorization: Bearer ${KEYS.aIngest}\r\n`), 3000)).status).toBe(202);
    expect(bearer(KEYS.aIngest)).toBeTruthy();
  });
});
