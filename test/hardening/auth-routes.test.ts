/**
 * Every route × every kind of caller: no key, a bad key, an ingest key, a read key, an admin key, and
 * the `?token=` form. Fails when the app registers a route that support/route-table.ts does not list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../src/app.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API_KEYS, KEYS, bearer } from './support/keys.js';
import { ROUTES, rowFor, type Access, type RouteRow } from './support/route-table.js';

type Caller = 'none' | 'bad' | 'ingest' | 'read' | 'admin' | 'metrics';
const CALLERS: Record<Caller, Record<string, string>> = {
  none: {},
  bad: bearer('not-a-key-0123456789abcdef'),
  ingest: bearer(KEYS.aIngest),
  read: bearer(KEYS.aRead),
  admin: bearer(KEYS.admin),
  metrics: bearer(KEYS.metrics),
};

/** The status class each access level gives each caller. */
const EXPECT: Record<Access, Record<Caller, 'ok' | 401 | 403>> = {
  public: { none: 'ok', bad: 'ok', ingest: 'ok', read: 'ok', admin: 'ok', metrics: 'ok' },
  session: { none: 'ok', bad: 'ok', ingest: 'ok', read: 'ok', admin: 'ok', metrics: 'ok' },
  ingest: { none: 401, bad: 401, ingest: 'ok', read: 403, admin: 'ok', metrics: 403 },
  read: { none: 401, bad: 401, ingest: 403, read: 'ok', admin: 'ok', metrics: 403 },
  metrics: { none: 401, bad: 401, ingest: 403, read: 403, admin: 'ok', metrics: 'ok' },
};

async function call(url: string, row: RouteRow, headers: Record<string, string>, query = '') {
  const path = row.path + (query ? (row.path.includes('?') ? '&' : '?') + query : '');
  const res = await fetch(url + path, { method: row.method, headers: { ...row.headers, ...headers }, body: row.body, redirect: 'manual' });
  const text = row.headers?.accept === 'text/event-stream' && res.status === 200 ? (await res.body?.cancel(), '') : await res.text();
  return { status: res.status, text, headers: res.headers };
}

function upgrade(url: string, query: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream${query}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

// Started at load time so rows for routes that are not built yet show up as skipped, not passed.
const s: TestServer = await startTestServer({ config: { apiKeys: API_KEYS } });
const registered = createApp(s.ctx, s.modules).routes.filter((r) => r.method !== 'ALL');
const isBuilt = (row: RouteRow) => registered.some((r) => r.method === row.method && r.path === row.pattern);

describe('auth on every route', () => {
  afterAll(async () => {
    await s.stop();
    expect(s.errors).toEqual([]);
  });

  it('knows who may call every registered route', () => {
    const unknown = registered.filter((r) => !rowFor(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(unknown, 'add these routes to test/hardening/support/route-table.ts').toEqual([]);
  });

  const cases = ROUTES.flatMap((row) => (Object.keys(CALLERS) as Caller[]).map((caller) => ({ row, caller })));
  for (const { row, caller } of cases) {
    it.skipIf(!isBuilt(row))(`${row.method} ${row.pattern} as ${caller}`, async () => {
      const r = await call(s.url, row, CALLERS[caller]);
      const want = EXPECT[row.access][caller];
      if (want === 'ok') {
        // A public route may still 404 an unknown asset; it must never ask for a key or fail.
        expect([401, 403], r.text).not.toContain(r.status);
        expect(r.status, r.text).toBeLessThan(500);
      } else {
        expect(r.status, r.text).toBe(want);
        expect(JSON.parse(r.text).error).toMatch(want === 401 ? /API key/ : /has the \w+ role/);
        if (want === 401) expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(r.text).not.toContain(KEYS.admin);
      expect(r.text).not.toContain(KEYS.aRead);
    });
  }

  it('takes ?token= like the header, and a bad header wins over a good token', async () => {
    const sse = ROUTES.find((r) => r.pattern === '/v1/stream')!;
    expect((await call(s.url, sse, {}, `token=${KEYS.aRead}`)).status).toBe(200);
    expect((await call(s.url, sse, {}, `token=${KEYS.aIngest}`)).status).toBe(403);
    expect((await call(s.url, sse, {}, 'token=wrong-0123456789abcdef')).status).toBe(401);
    expect((await call(s.url, sse, { authorization: 'Basic Zm9vOmJhcg==' }, `token=${KEYS.aRead}`)).status).toBe(401);
  });

  it.each([
    ['a scheme other than Bearer', `Token ${KEYS.admin}`],
    ['Bearer with no key', 'Bearer '],
    ['two keys', `Bearer ${KEYS.aRead} ${KEYS.admin}`],
    ['a key with a trailing NUL-like byte', `Bearer ${KEYS.admin}\u0001`],
    ['a prefix of a real key', `Bearer ${KEYS.admin.slice(0, -1)}`],
    ['a real key plus a character', `Bearer ${KEYS.admin}x`],
  ])('refuses %s with 401', async (_n, authorization) => {
    const r = await fetch(`${s.url}/metrics`, { headers: { authorization } }).catch(() => undefined);
    // fetch itself refuses some header bytes; those never reach the server.
    if (r) expect(r.status).toBe(401);
  });

  it('takes the scheme in any case ("bearer")', async () => {
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: `bearer ${KEYS.admin}` } })).status).toBe(200);
  });

  it.each([
    ['no key', '', {}, 401],
    ['a bad key', '?token=wrong-0123456789abcdef', {}, 401],
    ['an ingest key', '', bearer(KEYS.aIngest), 403],
    ['an ingest ?token=', `?token=${KEYS.aIngest}`, {}, 403],
    ['a read key', '', bearer(KEYS.aRead), 101],
    ['a read ?token=', `?token=${KEYS.aRead}`, {}, 101],
    ['an admin key', '', bearer(KEYS.admin), 101],
    ['a metrics key', '', bearer(KEYS.metrics), 403],
  ])('WebSocket upgrade with %s → %i', async (_n, query, headers, want) => {
    expect(await upgrade(s.url, query, headers)).toBe(want);
  });

  it('sends no CORS headers by default, for simple requests and preflights', async () => {
    const origin = { origin: 'https://evil.example' };
    const simple = await fetch(`${s.url}/v1/events`, { method: 'POST', headers: { ...origin, ...bearer(KEYS.aIngest), 'content-type': 'application/json' }, body: '{"type":"cors.probe"}' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${s.url}/v1/events`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const ui = await fetch(`${s.url}/ui/session`, { headers: origin });
    expect(ui.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS when configured', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ config: { apiKeys: API_KEYS, corsOrigin: 'https://dash.example' } });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('allows only the configured origin', async () => {
    const ok = await fetch(`${s.url}/v1/events`, { method: 'OPTIONS', headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://dash.example');
    const other = await fetch(`${s.url}/v1/events`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin') ?? '').not.toMatch(/evil|\*/);
  });

  it('still needs a key', async () => {
    const r = await fetch(`${s.url}/v1/events`, { method: 'POST', headers: { origin: 'https://dash.example', 'content-type': 'application/json' }, body: '{"type":"a.b"}' });
    expect(r.status).toBe(401);
  });
});
