/**
 * A hostile WebSocket client, on both builds: floods of subscribe messages (inbound rate limit, then
 * close 1008), garbage and binary frames, 1 MiB frames (1009), JSON bombs, repeated `since` replays,
 * and slow glob filters. The server answers each with an error frame or a close code and keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { connectStream } from '../helpers/ws-client.js';
import { startProduct, type Product } from './support/product.js';
import { replayAll } from './support/replay.js';

async function post(url: string, ndjson: string): Promise<number> {
  const r = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson });
  await r.body?.cancel();
  return r.status;
}

describe.each(TARGETS)('WebSocket abuse (%s)', (target) => {
  let p: Product;
  beforeAll(async () => {
    p = await startProduct(target);
    // A store worth replaying: 3,000 events over the three tiers.
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `seed-${i}`, type: ['agent.step', 'memory.formed', 'tool.failed'][i % 3], agent_id: `a${i % 5}` }));
    for (let i = 0; i < 3; i++) expect(await post(p.url, lines.slice(i * 1000, (i + 1) * 1000).join('\n'))).toBe(202);
  });
  afterAll(async () => {
    expect(await p.stop()).toBe(0);
  });

  it('closes a client that floods subscribe messages with 1008', async () => {
    const c = await connectStream(p.url);
    for (let i = 0; i < 500; i++) c.send({ op: 'subscribe', types: 'agent.*' });
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/messages per second/);
  });

  it('answers garbage with error frames, then closes with 1008', async () => {
    const c = await connectStream(p.url);
    const garbage: (string | Buffer)[] = [Buffer.from([0xff, 0x00, 0xfe]), 'not json', '[1,2]', 'null', '{"op":42}', '{"op":"drop_tables"}', '{"op":"subscribe","tiers":"gold"}', '{"op":"subscribe","types":[1,2]}', '{"op":"subscribe","since":-5}', '{"op":"subscribe","since":1e400}', '{"op":"subscribe","__proto__":{"tiers":["critical"]}}', '"\u0000"'];
    for (const g of garbage) {
      c.ws.send(g);
      await new Promise((r) => setTimeout(r, 60)); // stay under the inbound rate limit
    }
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/invalid messages/);
    const errors = c.frames.filter((f) => f.type === 'error').map((f) => f.error as string);
    expect(errors.length).toBeGreaterThanOrEqual(10);
    for (const e of errors) expect(e.length).toBeGreaterThan(10);
    expect(errors).toContainEqual(expect.stringMatching(/JSON/));
  });

  it('closes a client that sends a 1 MiB frame with 1009', async () => {
    const c = await connectStream(p.url);
    c.ws.send('x'.repeat(1024 * 1024));
    expect((await c.closed).code).toBe(1009);
  });

  it('survives a deeply nested message and names the problem', async () => {
    const c = await connectStream(p.url);
    c.ws.send(`{"op":"subscribe","types":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    await c.until((f) => f.some((x) => x.type === 'error'));
    c.send({ op: 'ping' });
    await c.until((f) => f.some((x) => x.type === 'pong'));
    c.close();
  });

  it('cancels a running replay when the client subscribes again (no interleaving, no amplification)', async () => {
    const c = await connectStream(p.url);
    for (let i = 0; i < 4; i++) c.send({ op: 'subscribe', since: 0 });
    await c.until((f) => f.filter((x) => x.type === 'subscribed').length === 4 && f.some((x) => x.type === 'replay_done'), 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    // Abandoned replays stop (they may have sent a chunk already); only the last one runs to the end:
    // one replay_done, and after the last "subscribed" reply a clean replay of the whole store, each
    // event once, in order per tier.
    expect(c.frames.filter((x) => x.type === 'replay_done')).toHaveLength(1);
    const after = c.frames.slice(c.frames.findLastIndex((x) => x.type === 'subscribed'));
    const lastTier: Record<string, number> = {};
    const seen = new Set<number>();
    for (const f of after.filter((x) => x.type === 'events')) {
      for (const e of f.events as { seq: number }[]) {
        expect(e.seq, `seq went back in tier ${String(f.tier)}`).toBeGreaterThan(lastTier[f.tier as string] ?? 0);
        lastTier[f.tier as string] = e.seq;
        expect(seen.has(e.seq)).toBe(false);
        seen.add(e.seq);
      }
    }
    const stored = (await replayAll(p.url)).events.length;
    expect(seen.size).toBe(stored);
    c.close();
  });

  it('keeps serving with the costliest glob filters allowed', async () => {
    const globs = Array.from({ length: 64 }, (_, i) => `*a*a*a*a*a*a*a*${i}b`).join(',');
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectStream(p.url, `agents=${encodeURIComponent(globs)}&types=*`)));
    // Agent ids that nearly match every pattern: long runs of "a" that never end in "<n>b".
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: 'agent.step', agent_id: 'a'.repeat(120) + (i % 10) + 'c' }));
    for (let i = 0; i < 5; i++) expect(await post(p.url, lines.slice(i * 1000, (i + 1) * 1000).join('\n'))).toBe(202);
    expect(await post(p.url, JSON.stringify({ type: 'agent.step', agent_id: 'a'.repeat(100) + '7b' }))).toBe(202);
    for (const c of clients) await c.until(() => c.events().length === 1, 15_000);
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    for (const c of clients) c.close();
  });

  it('refuses filter patterns past the glob limits with 400', async () => {
    const tooMany = Array.from({ length: 65 }, (_, i) => `t${i}`).join(',');
    for (const q of [`types=${'*a'.repeat(9)}`, `agents=${'x'.repeat(300)}`, `types=${tooMany}`, 'tiers=gold', 'colour=red']) {
      const r = await fetch(`${p.url}/v1/stream?${q}`, { headers: { accept: 'text/event-stream' } });
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { error: string }).error.length).toBeGreaterThan(10);
    }
  });
});
