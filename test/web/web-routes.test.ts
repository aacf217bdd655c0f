import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const READ = 'read-key-0123456789abcdef';
const INGEST = 'ingest-key-0123456789abcdef';

describe('web UI routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('serves the dashboard with a strict, self-only security policy', async () => {
    const res = await fetch(server.url + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toContain('<title>Auren Realtime</title>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves every asset the pages refer to, from the build, with no remote references', async () => {
    for (const page of ['/', '/inspector']) {
      const html = await (await fetch(server.url + page)).text();
      const refs = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(refs.length).toBe(3);
      for (const ref of refs) {
        const res = await fetch(`${server.url}/${ref}`);
        expect(res.status, ref).toBe(200);
        expect(res.headers.get('cache-control')).toContain('immutable');
        expect(res.headers.get('content-security-policy')).toBeTruthy();
        const body = await res.text();
        // No CDN: nothing is loaded from elsewhere (namespace URIs like w3.org/2000/svg are not loads).
        expect(body).not.toMatch(/(?:import\(|from\s*|url\(\s*|src=|href=)["']?https?:/);
      }
    }
  });

  it('gzips for clients that accept it and answers 304 to a matching ETag', async () => {
    const html = await (await fetch(server.url + '/')).text();
    const js = /src="(assets\/dashboard-[^"]+\.js)"/.exec(html)![1];
    const plain = await fetch(`${server.url}/${js}`, { headers: { 'accept-encoding': 'identity' } });
    const text = await plain.text();
    expect(plain.headers.get('content-encoding')).toBeNull();
    // Raw socket view of the gzip variant (fetch would decode it transparently).
    const { request } = await import('node:http');
    const gz = await new Promise<{ enc?: string; body: Buffer }>((resolve, reject) => {
      request(`${server.url}/${js}`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ enc: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    });
    expect(gz.enc).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(text);
    const etag = plain.headers.get('etag')!;
    const again = await fetch(`${server.url}/${js}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves the inspector, HEAD, and points /favicon.ico at the embedded icon', async () => {
    const res = await fetch(server.url + '/inspector');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Stream inspector');
    const head = await fetch(server.url + '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    const icon = await fetch(server.url + '/favicon.ico', { redirect: 'manual' });
    expect(icon.status).toBe(301);
    expect(icon.headers.get('location')).toMatch(/^\/assets\/favicon-[0-9a-f]+\.svg$/);
    expect((await fetch(server.url + '/assets/nope.js')).status).toBe(404);
  });

  it('says auth is off and gives the last seq', async () => {
    const s = await (await fetch(server.url + '/ui/session')).json();
    expect(s).toMatchObject({ auth_enabled: false, authenticated: true, role: 'admin', project: 'default', last_seq: 0 });
  });
});

describe('web UI session check with auth on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { apiKeys: `${READ}=acme:read,${INGEST}=acme:ingest` } });
  });
  afterAll(() => server.stop());

  const session = async (headers: Record<string, string> = {}, query = '') => {
    const res = await fetch(`${server.url}/ui/session${query}`, { headers });
    expect(res.status).toBe(200);
    return res.json() as Promise<Record<string, unknown>>;
  };

  it('answers 200 in every case and tells the page what to do', async () => {
    expect(await session()).toMatchObject({ auth_enabled: true, authenticated: false, reason: 'no key' });
    expect(await session({ authorization: 'Bearer wrong-key-0123456789' })).toMatchObject({ authenticated: false, reason: 'the API key is not valid' });
    expect((await session({ authorization: `Bearer ${INGEST}` })).reason).toMatch(/reading needs a read or admin key/);
    const ok = await session({ authorization: `Bearer ${READ}` });
    expect(ok).toMatchObject({ authenticated: true, role: 'read', project: 'acme', last_seq: 0 });
    // ?token= is only for opening a stream: here the page is told to send the header.
    expect(await session({}, `?token=${READ}`)).toMatchObject({ authenticated: false, reason: expect.stringMatching(/Authorization: Bearer KEY/) });
    // Nothing about the store leaks without a key.
    expect((await session()).last_seq).toBeUndefined();
  });

  it('still serves the page itself without a key (it asks for one)', async () => {
    expect((await fetch(server.url + '/')).status).toBe(200);
  });
});
