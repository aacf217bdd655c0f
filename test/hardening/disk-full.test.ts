/**
 * Disk full under ingest, on a real tiny tmpfs: ingest answers 503 with a clear message (never a
 * partial write), readiness goes red, nothing acknowledged is lost, and everything recovers by itself
 * once space returns. Runs on both builds; needs root and `mount` (see support/tmpfs.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, restartProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';
import { canMountTmpfs, mountTmpfs, type Tmpfs } from './support/tmpfs.js';

const MOUNT_OK = canMountTmpfs();

function batch(prefix: string, n = 100): { ids: string[]; body: string } {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  return { ids, body: ids.map((id) => JSON.stringify({ id, type: 'agent.step', data: { pad: 'y'.repeat(300) } })).join('\n') };
}

async function post(url: string, body: string) {
  const res = await fetch(url + '/v1/events', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Record<string, unknown> };
}

async function waitReady(url: string, want: number, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const r = await fetch(url + '/readyz');
    await r.body?.cancel();
    if (r.status === want) return;
    if (Date.now() - start > timeoutMs) throw new Error(`/readyz stayed ${r.status}, wanted ${want}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe.skipIf(!MOUNT_OK).each(TARGETS)('disk full (%s)', (target) => {
  let fs: Tmpfs | undefined;
  let p: Product | undefined;
  afterAll(async () => {
    await p?.kill9();
    fs?.unmount();
  });

  it('answers 503, goes unready, keeps every acked event, recovers by itself', async () => {
    fs = mountTmpfs(8 * 1024);
    p = await startProduct(target, { dataDir: fs.dir });
    const acked = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const b = batch(`before-${i}`);
      const r = await post(p.url, b.body);
      expect(r.status).toBe(202);
      b.ids.forEach((id) => acked.add(id));
    }

    fs.fill();
    /**
     * Posts batches until one is refused. Batches before it may be accepted: SQLite starts its WAL
     * over once a checkpoint has copied every frame, and then writes into the file's existing space.
     * Those are durable, so they count as acknowledged and are checked at the end.
     */
    const postUntilRefused = async (prefix: string) => {
      for (let i = 0; i < 2000; i++) {
        const b = batch(`${prefix}-${i}`);
        const r = await post(p!.url, b.body);
        if (r.status !== 202) return r;
        expect(r.json.accepted).toBe(100);
        b.ids.forEach((id) => acked.add(id));
      }
      return undefined;
    };
    const refused = await postUntilRefused('full');
    expect(refused?.status, 'ingest never refused on a full disk').toBe(503);
    expect(refused!.json.error).toMatch(/cannot take writes.*full.*nothing from this request was stored/);
    expect(Number(refused!.retryAfter)).toBeGreaterThan(0);
    const ready = await fetch(p.url + '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toMatch(/not writable/);
    // Still full after two rounds of the background probe (which must not make readiness lie): the
    // filler takes whatever the filesystem freed meanwhile, and ingest refuses again, readiness red.
    await new Promise((r) => setTimeout(r, 4500));
    fs.fill();
    const stillRefused = await postUntilRefused('still-full');
    expect(stillRefused?.status, 'ingest took writes on a disk still full').toBe(503);
    expect((await fetch(p.url + '/readyz')).status).toBe(503);

    fs.free();
    await waitReady(p.url, 200);
    const after = batch('after');
    expect((await post(p.url, after.body)).status).toBe(202);
    after.ids.forEach((id) => acked.add(id));

    const check = async (url: string) => {
      // Storm control adds storm.* summaries of these identical events: only ours are checked.
      const events = (await replayAll(url)).events.filter((e) => !String(e.type).startsWith('storm.'));
      const ids = new Set(events.map((e) => e.id as string));
      expect(ids.size).toBe(events.length);
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      for (const e of events) expect(e.data).toEqual({ pad: 'y'.repeat(300) });
    };
    await check(p.url);
    expect(await p.stop()).toBe(0);
    p = await restartProduct(p);
    await check(p.url);
  }, 90_000);
});
