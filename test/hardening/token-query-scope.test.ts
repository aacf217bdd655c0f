/**
 * `?token=KEY` is taken only where a browser cannot send a header: opening a stream on GET /v1/stream
 * (WebSocket upgrade or EventSource). Everywhere else a key in the URL is refused with 401 and told to
 * use the Authorization header, because URLs end up in proxy and access logs. Run on the built product.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TARGETS } from '../helpers/binary.js';
import { connectSse } from '../helpers/sse-client.js';
import { connectStream } from '../helpers/ws-client.js';
import { API_KEYS, KEYS, bearer } from './support/keys.js';
import { ROUTES } from './support/route-table.js';
import { startProduct, type Product } from './support/product.js';

/** Every route that needs a key, except the stream itself. */
const KEYED = ROUTES.filter((r) => r.access !== 'public' && r.access !== 'session' && r.pattern !== '/v1/stream');

async function call(url: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const res = await fetch(url + path, init);
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text }, challenge: res.headers.get('www-authenticate') };
}

const withToken = (path: string, key: string) => `${path}${path.includes('?') ? '&' : '?'}token=${key}`;

describe.each(TARGETS)('?token= only opens streams (%s)', (target) => {
  let p: Product;
  beforeAll(async () => {
    p = await startProduct(target, { apiKeys: API_KEYS });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it.each(KEYED.map((r) => [`${r.method} ${r.path}`, r] as const))('%s with only ?token= → 401 naming the header', async (_n, row) => {
    // The admin key may call every route, so the only thing wrong here is where the key is.
    const r = await call(p.url, withToken(row.path, KEYS.admin), { method: row.method, headers: row.headers, body: row.body });
    expect(r.status, JSON.stringify(r.body)).toBe(401);
    expect(r.body.error).toMatch(/\?token= is accepted only when opening a stream/);
    expect(r.body.error).toMatch(/Authorization: Bearer KEY/);
    expect(r.challenge).toBe('Bearer');
  });

  it('refuses ?token= even next to a valid header, so a key put in a URL by mistake is noticed', async () => {
    const r = await call(p.url, withToken('/v1/dashboards/cost', KEYS.aRead), { headers: bearer(KEYS.aRead) });
    expect(r.status).toBe(401);
    expect((await call(p.url, '/v1/dashboards/cost', { headers: bearer(KEYS.aRead) })).status).toBe(200);
    const post = await call(p.url, withToken('/v1/events', KEYS.aIngest), {
      method: 'POST',
      headers: { ...bearer(KEYS.aIngest), 'content-type': 'application/json' },
      body: '{"type":"token.probe"}',
    });
    expect(post.status).toBe(401);
  });

  it('a plain GET of /v1/stream (no upgrade, no EventSource) does not take ?token= either', async () => {
    const r = await call(p.url, `/v1/stream?token=${KEYS.aRead}`, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatch(/Authorization: Bearer KEY/);
    // With the header the same request is fine and only lacks the upgrade.
    expect((await call(p.url, '/v1/stream', { headers: bearer(KEYS.aRead) })).status).toBe(426);
  });

  it('still opens a WebSocket and an EventSource stream with ?token=', async () => {
    const ws = await connectStream(p.url, `tiers=critical&token=${KEYS.aRead}`);
    const sse = await connectSse(p.url, `tiers=critical&token=${KEYS.aRead}`);
    const post = await call(p.url, '/v1/events', { method: 'POST', headers: { ...bearer(KEYS.aIngest), 'content-type': 'application/json' }, body: '{"type":"token.failed"}' });
    expect(post.status).toBe(202);
    await ws.until((f) => f.some((x) => x.type === 'events'));
    await sse.until((m) => m.some((x) => x.data.type === 'events'));
    ws.close();
    sse.close();
  });

  it('refuses a WebSocket whose ?token= has the wrong role, and one with a bad key', async () => {
    const status = (query: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${p.url.replace('http', 'ws')}/v1/stream?${query}`);
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
        ws.on('error', () => {});
      });
    expect(await status(`token=${KEYS.aIngest}`)).toBe(403);
    expect(await status('token=wrong-0123456789abcdef')).toBe(401);
  });

  it('the UI session check tells a page that sent ?token= to use the header', async () => {
    const r = await call(p.url, `/ui/session?token=${KEYS.aRead}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ authenticated: false });
    expect(r.body.reason).toMatch(/Authorization: Bearer KEY/);
  });

  it('never logs a key', () => {
    const logs = p.stdout() + p.stderr();
    for (const k of Object.values(KEYS)) expect(logs).not.toContain(k);
  });
});
