/**
 * A SIGHUP key reload reaches streams that are already open, on the built product: a WebSocket or SSE
 * stream whose key was removed is closed with 4001, one whose key lost the read role or no longer
 * covers the stream's projects with 4003 (each after an `error` frame that says why). Streams of keys
 * that stay unchanged, or only gained access, are not dropped and keep getting events; a broken key
 * file closes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { connectSse, type SseClient } from '../helpers/sse-client.js';
import { connectStream, postEvents, type Collected } from '../helpers/ws-client.js';
import { startProduct, type Product } from './support/product.js';

const K = {
  gone: 'gone-read-key-0123456789ab',
  stay: 'stay-read-key-0123456789ab',
  moved: 'moved-read-key-0123456789a',
  demoted: 'demoted-admin-0123456789ab',
  roleLost: 'role-lost-key-0123456789ab',
  widened: 'widened-key-0123456789abcd',
  ingest: 'ingest-a-key-0123456789abc',
  admin: 'admin-key-0123456789abcdef',
};

const BEFORE = [
  `${K.gone}=proj-a:read`,
  `${K.stay}=proj-a:read`,
  `${K.moved}=proj-a:read`,
  `${K.demoted}=ops:admin`,
  `${K.roleLost}=proj-a:read`,
  `${K.widened}=proj-a:read`,
  `${K.ingest}=proj-a:ingest`,
  `${K.admin}=ops:admin`,
];
const AFTER = [
  `${K.stay}=proj-a:read`,
  `${K.moved}=proj-b:read`,
  `${K.demoted}=proj-a:read`,
  `${K.roleLost}=proj-a:ingest`,
  `${K.widened}=ops:admin`,
  `${K.ingest}=proj-a:ingest`,
  `${K.admin}=ops:admin`,
];

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function until(pred: () => boolean, what: string, ms = 8000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with the close code once the socket closes, or 'open' if it is still up after `ms`. */
function outcome(ws: Collected, ms: number): Promise<number | 'open'> {
  return Promise.race([ws.closed.then((c) => c.code), new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]);
}

describe.each(TARGETS)('a key reload closes the streams of removed or narrowed keys (%s)', (target) => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.kill9();
  });

  it('closes exactly the streams whose key no longer allows them, and says why', async () => {
    const file = join(tempDir(), 'keys');
    writeFileSync(file, BEFORE.join('\n') + '\n');
    p = await startProduct(target, { args: ['--api-keys-file', file] });
    const url = p.url;

    const ws: Record<string, Collected> = {};
    for (const name of ['gone', 'stay', 'moved', 'demoted', 'roleLost', 'widened'] as const) {
      ws[name] = await connectStream(url, 'tiers=critical', auth(K[name]));
    }
    // The browser form (?token=) is bound to its key just the same.
    const goneByToken = await connectStream(url, `tiers=critical&token=${K.gone}`);
    const sseGone: SseClient = await connectSse(url, 'tiers=critical', auth(K.gone));
    const sseStay: SseClient = await connectSse(url, 'tiers=critical', auth(K.stay));

    writeFileSync(file, AFTER.join('\n') + '\n');
    p.proc.kill('SIGHUP');

    const codes = await Promise.all([ws.gone, goneByToken, ws.moved, ws.demoted, ws.roleLost].map((c) => c.closed));
    expect(codes.map((c) => c.code)).toEqual([4001, 4001, 4003, 4003, 4003]);
    expect(codes[0].reason).toMatch(/API key was removed/);
    expect(codes[2].reason).toMatch(/no longer covers this stream's projects/);
    expect(codes[4].reason).toMatch(/no longer has the read role/);
    // Each closed socket got an error frame with the same code first.
    expect(ws.gone.frames.at(-1)).toMatchObject({ type: 'error', code: 4001, error: expect.stringMatching(/removed/) });
    expect(ws.moved.frames.at(-1)).toMatchObject({ type: 'error', code: 4003 });

    // SSE: an error event, then a close event, then the stream ends.
    await sseGone.done;
    expect(sseGone.messages.map((m) => m.data.type).slice(-2)).toEqual(['error', 'close']);
    expect(sseGone.messages.at(-1)!.data).toMatchObject({ code: 4001 });

    // Unchanged and widened keys keep their streams, and the streams keep working.
    expect(await outcome(ws.stay, 300)).toBe('open');
    expect(await outcome(ws.widened, 0)).toBe('open');
    expect((await postEvents(url, { type: 'reload.failed' }, auth(K.ingest))).status).toBe(202);
    await ws.stay.until((f) => f.some((x) => x.type === 'events'));
    await ws.widened.until((f) => f.some((x) => x.type === 'events'));
    await sseStay.until((m) => m.some((x) => x.data.type === 'events'));

    // The removed key cannot come back in; the moved key reconnects with its new project.
    await expect(connectStream(url, 'tiers=critical', auth(K.gone))).rejects.toThrow(/401/);
    const again = await connectStream(url, 'tiers=critical', auth(K.moved));
    expect(await outcome(again, 100)).toBe('open');

    const metrics = await (await fetch(`${url}/metrics`, { headers: auth(K.admin) })).text();
    expect(metrics).toMatch(/auren_stream_disconnects_total\{reason="key_removed"\} 3/);
    expect(metrics).toMatch(/auren_stream_disconnects_total\{reason="key_narrowed"\} 3/);

    // A broken file is refused as a whole and closes nothing.
    writeFileSync(file, `${K.stay}=proj-a:superuser\n`);
    p.proc.kill('SIGHUP');
    await until(() => /API keys not reloaded/.test(p!.stderr()), 'the refusal to be logged');
    expect(await outcome(ws.stay, 300)).toBe('open');
    expect(await outcome(again, 0)).toBe('open');

    for (const c of [ws.stay, ws.widened, again]) c.close();
    sseStay.close();
    expect(await p.stop()).toBe(0);
    const logs = p.stderr() + p.stdout();
    expect(logs).toMatch(/streams closed after an API key reload/);
    for (const k of Object.values(K)) expect(logs).not.toContain(k);
  }, 60_000);
});
