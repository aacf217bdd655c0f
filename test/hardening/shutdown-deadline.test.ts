/**
 * A single SIGTERM finishes within a bounded drain time even when a client holds an upload open
 * (orchestrators send SIGKILL after their grace period, typically 10-30 s): on both builds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';
import { slowSend } from './support/raw-http.js';

describe.each(TARGETS)('shutdown deadline (%s)', (target) => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.kill9();
  });

  it('exits 0 within 20 s of SIGTERM despite a slow upload', async () => {
    p = await startProduct(target);
    const slow = slowSend(p.url, 'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n', ' ', 200, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    p.proc.kill('SIGTERM');
    const t = setTimeout(() => p!.proc.kill('SIGKILL'), 20_000);
    const code = await p.exited;
    clearTimeout(t);
    expect(code, 'still draining after 20 s (killed)').toBe(0);
    await slow;
  }, 90_000);
});
