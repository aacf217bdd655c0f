/** The JetStream event log against the machine's real NATS: append, dedup, read, listeners, retention. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openClusterLog } from '../../src/cluster/open-cluster-log.js';
import type { JetStreamEventLog } from '../../src/cluster/jetstream-event-log.js';
import { systemClock } from '../../src/core/clock.js';
import { eventToJson, type EventDraft, type StoredEvent, type Tier } from '../../src/core/event.js';
import { createLogger, silentLogger } from '../../src/core/log.js';
import { deleteStreams, NATS_URL, uniqueStream } from './nats-helpers.js';

const DAY = 86_400_000;
const opened: JetStreamEventLog[] = [];
const streams: string[] = [];

async function open(stream: string, retention: Record<Tier, number> = { critical: DAY, operational: DAY, analytical: DAY }): Promise<JetStreamEventLog> {
  const log = await openClusterLog({
    config: { cluster: NATS_URL, clusterStream: stream, dedupWindowMs: 600_000, retention, archive: 'none' },
    clock: systemClock,
    logger: process.env.AUREN_TEST_LOG ? createLogger('debug') : silentLogger,
  });
  opened.push(log);
  return log;
}

function newStream(): string {
  const s = uniqueStream('LOG');
  streams.push(s);
  return s;
}

let n = 0;
function draft(over: Partial<EventDraft> = {}): EventDraft {
  const now = Date.now();
  return { id: `ev-${n++}`, ts: now, received_at: now, project: 'default', type: 'agent.step', tier: 'operational', ...over };
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
});
afterAll(async () => {
  for (const s of streams) await deleteStreams(s);
});

describe('JetStream event log', () => {
  it('appends with stream sequences as seq and hands events to listeners in seq order', async () => {
    const log = await open(newStream());
    const seen: StoredEvent[] = [];
    log.onAppend((evs) => seen.push(...evs));
    const drafts = Array.from({ length: 250 }, (_, i) => draft({ tier: (['critical', 'operational', 'analytical'] as const)[i % 3], data_json: JSON.stringify({ i, text: 'é "quoted"' }) }));
    const r = await log.append(drafts);
    expect(r.duplicates).toEqual([]);
    expect(r.stored.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    // append resolves once this node's own listeners have the events (read-your-writes).
    expect(seen.map((e) => e.seq)).toEqual(r.stored.map((e) => e.seq));
    expect(log.lastSeq()).toBe(250);
    // The wire form carried by the stream is the contract's, byte for byte.
    for (let i = 0; i < seen.length; i++) expect(seen[i].wire).toBe(eventToJson({ ...r.stored[i], wire: undefined }));
  });

  it('drops a repeated id as a duplicate, within a batch and across nodes, but not across projects', async () => {
    const stream = newStream();
    const a = await open(stream);
    const b = await open(stream);
    const first = await a.append([draft({ id: 'same' }), draft({ id: 'same' }), draft({ id: 'same', project: 'other' })]);
    expect(first.stored.length).toBe(2);
    expect(first.duplicates).toEqual([1]);
    const second = await b.append([draft({ id: 'same' }), draft({ id: 'fresh' })]);
    expect(second.duplicates).toEqual([0]);
    expect(second.stored.map((e) => e.id)).toEqual(['fresh']);
    expect((await a.read(0, 100)).map((e) => `${e.project}/${e.id}`)).toEqual(['default/same', 'other/same', 'default/fresh']);
  });

  it('every node hears events appended on another, in seq order, with nothing missing', async () => {
    const stream = newStream();
    const a = await open(stream);
    const b = await open(stream);
    const heard: number[] = [];
    b.onAppend((evs) => heard.push(...evs.map((e) => e.seq)));
    for (let i = 0; i < 20; i++) await (i % 2 ? a : b).append(Array.from({ length: 25 }, () => draft()));
    await until(() => heard.length === 500);
    expect(heard).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(b.lag()).toBe(0);
  });

  it('reads back with project and tier filters, paging by limit', async () => {
    const log = await open(newStream());
    const drafts: EventDraft[] = [];
    for (let i = 0; i < 300; i++) drafts.push(draft({ project: ['p1', 'p.2', 'p3'][i % 3], tier: (['critical', 'operational', 'analytical'] as const)[Math.floor(i / 3) % 3] }));
    await log.append(drafts);
    const all = await log.read(0, 1000);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const page = await log.read(100, 50);
    expect(page.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 101));
    const p2 = await log.read(0, 1000, { projects: ['p.2'] });
    expect(p2.length).toBe(100);
    expect(p2.every((e) => e.project === 'p.2')).toBe(true);
    const two = await log.read(0, 1000, { projects: ['p1', 'p3'], tiers: ['critical', 'analytical'] });
    expect(two.length).toBe(all.filter((e) => e.project !== 'p.2' && e.tier !== 'operational').length);
    // A filtered page stops at the limit even when the filter is checked here (several projects).
    const limited = await log.read(0, 7, { projects: ['p1', 'p3'] });
    expect(limited.map((e) => e.seq)).toEqual(all.filter((e) => e.project !== 'p.2').slice(0, 7).map((e) => e.seq));
    expect(await log.read(300, 10)).toEqual([]);
    expect(await log.read(0, 10, { projects: [] })).toEqual([]);
  });

  it('a node started later follows from the stream end and still reads history', async () => {
    const stream = newStream();
    const a = await open(stream);
    await a.append([draft(), draft()]);
    const b = await open(stream);
    expect(b.lastSeq()).toBe(2);
    const heard: number[] = [];
    b.onAppend((evs) => heard.push(...evs.map((e) => e.seq)));
    await a.append([draft()]);
    await until(() => heard.length === 1);
    expect(heard).toEqual([3]);
    expect((await b.read(0, 10)).length).toBe(3);
  });

  it('purges the head once no tier keeps it, never an event its tier still keeps, without disturbing consumers', async () => {
    const stream = newStream();
    const log = await open(stream, { critical: DAY, operational: DAY, analytical: 1 });
    const other = await open(stream);
    const heard: number[] = [];
    other.onAppend((evs) => heard.push(...evs.map((e) => e.seq)));
    await log.append((['analytical', 'analytical', 'critical', 'analytical', 'operational'] as const).map((tier) => draft({ tier })));
    await new Promise((r) => setTimeout(r, 20));
    // No node archives (no segment stream): retention need not wait for an archive.
    await log.archiveCoordinator.refresh().catch(() => {});
    expect(log.archiveCoordinator.archiving).toBe(false);
    // The critical event (seq 3) is within its retention: nothing from it on goes.
    expect(await log.purger.purgeOnce()).toBe(2);
    expect((await log.read(0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
    // Consumers and appends carry on after a purge (seqs keep growing, nothing is skipped).
    expect((await log.append([draft()])).stored[0].seq).toBe(6);
    await until(() => heard.length === 6);
    expect(heard).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await log.purger.purgeOnce()).toBe(0);
  });

  it('refuses a bad stream name and an unreachable NATS with messages naming the setting', async () => {
    await expect(open('bad.name')).rejects.toThrow(/--cluster-stream/);
    const t = Date.now();
    await expect(
      openClusterLog({ config: { cluster: 'nats://127.0.0.1:1', clusterStream: 'X', dedupWindowMs: 1000, retention: { critical: 1, operational: 1, analytical: 1 }, archive: 'none' }, clock: systemClock, logger: silentLogger, connectWaitMs: 500 }),
    ).rejects.toThrow(/cannot reach NATS at 127\.0\.0\.1:1 \(--cluster/);
    expect(Date.now() - t).toBeLessThan(10_000);
  });
});
