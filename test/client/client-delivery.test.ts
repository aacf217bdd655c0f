import { describe, expect, it } from 'vitest';
import { createClient, type ClientError } from '../../src/client/index.js';
import { useTestServer } from '../helpers/server.js';
import { useFlakyProxy } from './flaky-proxy.js';
import { storedEvents } from './stored.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('TypeScript client delivery against a real server behind a flaky proxy', () => {
  const s = useTestServer();
  const proxy = useFlakyProxy(s);

  it('loses nothing and duplicates nothing through 503s, 429s, lost answers and an outage', async () => {
    const errors: ClientError[] = [];
    const client = createClient({ url: proxy.url, batchSize: 50, flushIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 300, onError: (e) => errors.push(e) });
    const ids = new Set<string>();
    const emitSome = async (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        const id = client.emit({ type: i % 10 === 0 ? 'delivery.error' : 'delivery.step', agent_id: 'a1', data: { tag, i, pad: 'p'.repeat(100) } });
        ids.add(id!);
        if (i % 25 === 0) await sleep(5);
      }
    };
    await emitSome(300, 'ok');
    proxy.mode = '503';
    await emitSome(300, '503');
    await sleep(150);
    proxy.mode = 'commit-then-503';
    await emitSome(300, 'lost-answer');
    await waitFor(() => (proxy.seen['commit-then-503'] ?? 0) >= 2);
    proxy.mode = '429';
    await emitSome(300, '429');
    await waitFor(() => (proxy.seen['429'] ?? 0) >= 1);
    await proxy.down();
    await emitSome(300, 'down');
    await sleep(600);
    await proxy.up();
    expect(await client.flush(20_000)).toBe(true);

    const stored = await storedEvents(s.url, 'delivery.*');
    const storedIds = stored.map((e) => e.id as string);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(storedIds.length).toBe(ids.size);
    expect(new Set(storedIds)).toEqual(ids);
    const st = client.stats();
    expect(st.dropped.total).toBe(0);
    expect(st.emitted).toBe(1500);
    expect(st.retries).toBeGreaterThan(0);
    expect(st.duplicates).toBeGreaterThan(0); // the lost answers were retried and deduplicated
    expect(st.accepted + st.duplicates).toBe(1500); // one OK answer per event
    expect(proxy.seen['429']).toBeGreaterThan(0);
    expect(proxy.encodings.has('gzip')).toBe(true);
    expect(errors.some((e) => e.kind === 'retrying' && /retry in/.test(e.message))).toBe(true);
    await client.close();
  });

  it('honours Retry-After on 429', async () => {
    proxy.mode = '429';
    const client = createClient({ url: proxy.url, flushIntervalMs: 5, retryBaseMs: 1, retryMaxMs: 5 });
    const before = proxy.seen['429'] ?? 0;
    const started = Date.now();
    client.emit({ type: 'retryafter.step' });
    await sleep(700);
    // Retry-After: 1 means at most one attempt in the first second, whatever the backoff says.
    expect((proxy.seen['429'] ?? 0) - before).toBe(1);
    proxy.mode = 'ok';
    expect(await client.flush(5000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await client.close();
  });

  it('keeps critical events over others when the buffer overflows during an outage, and counts drops', async () => {
    await proxy.down();
    const drops: string[] = [];
    const client = createClient({ url: proxy.url, maxBufferedEvents: 100, batchSize: 10, flushIntervalMs: 10, retryBaseMs: 50, retryMaxMs: 200, onDrop: (d) => drops.push(d.tier) });
    const critical = new Set<string>();
    for (let i = 0; i < 400; i++) {
      if (i % 8 === 0) critical.add(client.emit({ type: 'overflow.failed', data: { i } })!);
      else if (i % 2 === 0) client.emit({ type: 'overflow.step', data: { i } });
      else client.emit({ type: 'metric.overflow', data: { i } });
    }
    const st = client.stats();
    expect(st.buffered + st.inflight).toBeLessThanOrEqual(100 + 10);
    expect(st.dropped.critical).toBe(0);
    expect(st.dropped.analytical).toBeGreaterThan(0);
    expect(drops.length).toBe(st.dropped.total);
    await proxy.up();
    expect(await client.flush(10_000)).toBe(true);
    const stored = await storedEvents(s.url, 'overflow.*,metric.overflow');
    expect(stored.filter((e) => e.type === 'overflow.failed').map((e) => e.id).sort()).toEqual([...critical].sort());
    expect(stored.length + client.stats().dropped.total).toBe(400);
    // Analytical events are dropped before any operational one.
    expect(stored.filter((e) => e.type === 'metric.overflow').length).toBeLessThanOrEqual(10);
    await client.close();
  });

  it('never throws from emit, even for bad input or after close', async () => {
    const errors: ClientError[] = [];
    const client = createClient({ url: proxy.url, onError: (e) => errors.push(e) });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(client.emit({ type: 'bad.step', data: circular })).toBeUndefined();
    expect(client.emit(null as never)).toBeUndefined();
    await client.close();
    expect(client.emit({ type: 'late.step' })).toBeUndefined();
    expect(client.stats().dropped.total).toBe(3);
    expect(errors.filter((e) => e.kind === 'dropped')).toHaveLength(3);
  });

  it('reports rejected events without retrying them', async () => {
    const errors: ClientError[] = [];
    const client = createClient({ url: proxy.url, onError: (e) => errors.push(e) });
    client.emit({ type: 'Not A Type' });
    client.emit({ type: 'fine.step' });
    expect(await client.flush(5000)).toBe(true);
    expect(client.stats()).toMatchObject({ accepted: 1, rejected: 1, retries: 0 });
    expect(errors[0]).toMatchObject({ kind: 'rejected', errors: [{ index: 0 }] });
    await client.close();
  });
});
