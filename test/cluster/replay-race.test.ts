/**
 * `since` replays on a cluster node while another node keeps appending: the node's listeners are fed
 * from its stream consumer (not synchronously after a commit), and every client must still get each
 * event after its `since` exactly once, with no gap, across the replay-to-live switch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openClusterLog } from '../../src/cluster/open-cluster-log.js';
import { systemClock } from '../../src/core/clock.js';
import type { EventDraft } from '../../src/core/event.js';
import { silentLogger } from '../../src/core/log.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectStream, type Collected } from '../helpers/ws-client.js';
import { deleteStreams, NATS_URL, uniqueStream } from './nats-helpers.js';

const stream = uniqueStream('RR');
let server: TestServer | undefined;
afterAll(async () => {
  await server?.stop();
  await deleteStreams(stream);
});

describe('since replays racing appends from another node', () => {
  it('delivers every event after since exactly once, in tier order', async () => {
    server = await startTestServer({ config: { cluster: NATS_URL, clusterStream: stream } });
    const writer = await openClusterLog({
      config: { cluster: NATS_URL, clusterStream: stream, dedupWindowMs: 60_000, retention: { critical: 86_400_000, operational: 86_400_000, analytical: 86_400_000 }, archive: 'none' },
      clock: systemClock,
      logger: silentLogger,
    });
    let n = 0;
    const tiers = ['critical', 'operational', 'analytical'] as const;
    const draft = (): EventDraft => {
      const i = n++;
      return { id: `rr-${i}`, ts: Date.now(), received_at: Date.now(), project: 'default', type: `race.t${i % 5}`, tier: tiers[i % 3], agent_id: `a${i % 11}`, data_json: JSON.stringify({ i }) };
    };
    let writing = true;
    const writes = (async () => {
      while (writing) {
        await writer.append(Array.from({ length: 25 }, draft));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const clients: { since: number; only?: string[]; c: Collected }[] = [];
    for (let k = 0; k < 9; k++) {
      await new Promise((r) => setTimeout(r, 80));
      const since = k % 2 ? 0 : Math.max(0, writer.streamLastSeq - 40);
      const only = k % 3 === 2 ? ['critical', 'analytical'] : undefined;
      clients.push({ since, only, c: await connectStream(server.url, `since=${since}${only ? `&tiers=${only.join(',')}` : ''}`) });
    }
    await new Promise((r) => setTimeout(r, 200));
    writing = false;
    await writes;
    const last = writer.streamLastSeq;
    await writer.close();
    // Seq s carries event rr-(s-1), so its tier is tiers[(s - 1) % 3].
    const lastWanted = (only?: string[]) => (only ? Array.from({ length: 3 }, (_, i) => last - i).find((q) => only.includes(tiers[(q - 1) % 3]))! : last);
    for (const { since, only, c } of clients) {
      await c.until(() => c.events().some((e) => e.seq === lastWanted(only)), 15_000);
      await new Promise((r) => setTimeout(r, 600)); // analytical batches flush within 500 ms
      const seqs = c.events().map((e) => e.seq as number);
      expect(new Set(seqs).size, `duplicates for since=${since}`).toBe(seqs.length);
      const want = Array.from({ length: last - since }, (_, i) => since + i + 1).filter((q) => !only || only.includes(tiers[(q - 1) % 3]));
      expect([...seqs].sort((a, b) => a - b), `gap for since=${since}`).toEqual(want);
      const lastByTier: Record<string, number> = {};
      for (const e of c.events()) {
        expect(e.seq as number).toBeGreaterThan(lastByTier[e.tier as string] ?? 0);
        lastByTier[e.tier as string] = e.seq as number;
      }
      c.close();
    }
    expect(server.errors).toEqual([]);
  }, 60_000);
});
