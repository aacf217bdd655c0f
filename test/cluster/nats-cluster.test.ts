/**
 * Replicated cluster mode: three nats-servers of our own form a JetStream cluster, Auren streams
 * are created with three replicas, and one NATS server is killed under ingest: appends resume on the
 * survivors and nothing acked is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JetStreamEventLog } from '../../src/cluster/jetstream-event-log.js';
import { openClusterLog } from '../../src/cluster/open-cluster-log.js';
import { systemClock } from '../../src/core/clock.js';
import type { EventDraft } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { freePort } from '../helpers/free-port.js';
import { PrivateNats } from './nats-helpers.js';

const DAY = 86_400_000;

describe('cluster mode on a three-server JetStream cluster', () => {
  const servers: PrivateNats[] = [];
  let log: JetStreamEventLog;

  beforeAll(async () => {
    const ports = await Promise.all([0, 1, 2].map(async () => ({ client: await freePort(), route: await freePort() })));
    const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(',');
    for (const [i, p] of ports.entries()) {
      const s = new PrivateNats(p.client, ['-n', `n${i}`, '--cluster_name', 'auren-test', '--cluster', `nats://127.0.0.1:${p.route}`, '--routes', routes]);
      s.extraWaitMs = 20_000;
      servers.push(s);
    }
    await Promise.all(servers.map((s) => s.start()));
    log = await openClusterLog({
      config: { cluster: servers.map((s) => s.url).join(','), clusterStream: 'R3', clusterReplicas: 3, dedupWindowMs: 60_000, retention: { critical: DAY, operational: DAY, analytical: DAY }, archive: 'none' },
      clock: systemClock,
      logger: silentLogger,
    });
  }, 60_000);
  afterAll(async () => {
    await log?.close();
    await Promise.all(servers.map((s) => s.dispose()));
  });

  it('keeps every acked event when one NATS server of three dies during ingest', async () => {
    const acked = new Set<string>();
    let refused = 0;
    let n = 0;
    const draft = (): EventDraft => ({ id: `r3-${n++}`, ts: Date.now(), received_at: Date.now(), project: 'default', type: 'agent.step', tier: 'operational' });
    const appendSome = async () => {
      const drafts = Array.from({ length: 20 }, draft);
      try {
        const r = await log.append(drafts);
        for (const e of r.stored) acked.add(e.id);
      } catch {
        refused++;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    for (let i = 0; i < 20; i++) await appendSome();
    expect(acked.size).toBe(400);
    await servers[0].kill();
    const until = Date.now() + 30_000;
    let afterKill = 0;
    while (afterKill < 200 && Date.now() < until) {
      const before = acked.size;
      await appendSome();
      afterKill += acked.size - before;
    }
    expect(afterKill).toBeGreaterThanOrEqual(200);
    const stored = new Set((await log.read(0, 10_000)).map((e) => e.id));
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);
    expect(refused).toBeLessThan(300);
  }, 60_000);
});
