/**
 * `--api-keys-file` reloaded on SIGHUP, on the built product: new keys work at once, removed keys stop
 * working for new requests, open streams of keys that stay are not dropped, a broken file keeps the
 * old keys, and no key ever shows up in the logs (at debug level). Streams of removed or narrowed keys
 * are closed: key-removal-closes-streams.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { connectStream } from '../helpers/ws-client.js';
import { startProduct, type Product } from './support/product.js';

const OLD_READ = 'old-read-key-0123456789abc';
const NEW_READ = 'new-read-key-0123456789abc';
const INGEST = 'ingest-key-0123456789abcdef';
const KEEP_READ = 'keep-read-key-0123456789ab';

async function status(url: string, key: string): Promise<number> {
  const r = await fetch(`${url}/v1/stream?tiers=critical`, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
  await r.body?.cancel();
  return r.status;
}

async function until(pred: () => Promise<boolean> | boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(TARGETS)('SIGHUP reloads --api-keys-file (%s)', (target) => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.kill9();
  });

  it('swaps keys without dropping open streams', async () => {
    const file = join(tempDir(), 'keys');
    writeFileSync(file, `# keys\n${OLD_READ}=proj:read\n${KEEP_READ}=proj:read\n${INGEST}=proj:ingest\n`);
    p = await startProduct(target, { args: ['--api-keys-file', file, '--log-level', 'debug'] });
    const stream = await connectStream(p.url, 'tiers=critical', { authorization: `Bearer ${KEEP_READ}` });
    expect(await status(p.url, NEW_READ)).toBe(401);

    writeFileSync(file, `${NEW_READ}=proj:read\n${KEEP_READ}=proj:read\n${INGEST}=proj:ingest\n`);
    p.proc.kill('SIGHUP');
    await until(async () => (await status(p!.url, NEW_READ)) === 200, 'the new key to work');
    expect(await status(p.url, OLD_READ)).toBe(401);

    // The stream opened with a key that stayed is still up and still gets events.
    const post = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' }, body: '{"type":"reload.failed"}' });
    expect(post.status).toBe(202);
    await stream.until((f) => f.some((x) => x.type === 'events'));

    // A broken file is refused as a whole: the current keys stay.
    writeFileSync(file, `${NEW_READ}=proj:superuser\n`);
    p.proc.kill('SIGHUP');
    await until(() => /API keys not reloaded/.test(p!.stderr()), 'the refusal to be logged');
    expect(await status(p.url, NEW_READ)).toBe(200);
    expect(p.proc.exitCode).toBeNull();
    stream.close();

    expect(await p.stop()).toBe(0);
    const logs = p.stderr() + p.stdout();
    expect(logs).toMatch(/API keys reloaded/);
    for (const k of [OLD_READ, NEW_READ, KEEP_READ, INGEST]) expect(logs).not.toContain(k);
  }, 60_000);
});
