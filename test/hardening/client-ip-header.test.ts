/**
 * Behind a reverse proxy every client has the proxy's address. With --client-ip-header the
 * per-address limits count the address the proxy writes into that header (its last entry: anything
 * before it came from the client), so clients behind one proxy no longer share one quota; without
 * the flag the header is ignored, so a client cannot dodge the limit by sending it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { clientIp } from '../../src/auth/client-ip.js';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';

function open(url: string, headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, { headers });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode! }));
    ws.on('error', () => resolve({ status: 0 }));
  });
}

describe('clientIp', () => {
  const req = (h: Record<string, string>) => new Request('http://x/', { headers: h });
  it('takes the last address of the configured header, and ignores it when unset or not an address', () => {
    expect(clientIp({ clientIpHeader: 'X-Forwarded-For' }, req({ 'x-forwarded-for': '6.6.6.6, 10.0.0.7' }))).toBe('10.0.0.7');
    expect(clientIp({ clientIpHeader: 'Fly-Client-IP' }, req({ 'fly-client-ip': '2001:db8::1' }))).toBe('2001:db8::1');
    expect(clientIp({ clientIpHeader: 'Fly-Client-IP' }, req({ 'fly-client-ip': 'not-an-address' }))).toBeUndefined();
    expect(clientIp({ clientIpHeader: undefined }, req({ 'fly-client-ip': '10.0.0.7' }))).toBeUndefined();
  });
});

describe.each(TARGETS)('--client-ip-header (%s)', (target) => {
  const procs: Product[] = [];
  const sockets: WebSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.terminate();
    for (const p of procs) await p.kill9();
  });

  it('counts streams per forwarded address behind a proxy, and ignores the header when not configured', async () => {
    const behind = await startProduct(target, { args: ['--max-clients-per-address', '2', '--client-ip-header', 'Fly-Client-IP'] });
    procs.push(behind);
    const statuses: number[] = [];
    for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2']) {
      const r = await open(behind.url, { 'Fly-Client-IP': ip });
      if (r.ws) sockets.push(r.ws);
      statuses.push(r.status);
    }
    expect(statuses).toEqual([101, 101, 429, 101]);

    const direct = await startProduct(target, { args: ['--max-clients-per-address', '2'] });
    procs.push(direct);
    const forged: number[] = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      const r = await open(direct.url, { 'Fly-Client-IP': ip });
      if (r.ws) sockets.push(r.ws);
      forged.push(r.status);
    }
    expect(forged).toEqual([101, 101, 429]);
  }, 60_000);
});
