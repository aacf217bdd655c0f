/**
 * Scenario: error handling and recovery. The compiled binary serves the page; the simulator drives
 * it; the server is killed (-9) mid-run and restarted on the same port and data dir. The simulator
 * retries (ids make resends safe), the page reconnects with backoff and resumes with `since`, and in
 * the end the page has received every stored event, none lost.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/simulate/index.js';
import { spawnAuren } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { hasChromium, openPage, useBrowserSuite } from '../web/helpers/browser.js';
import { freePort } from '../helpers/free-port.js';
import { watchPageStream } from './helpers/page-stream.js';

/** What a browser logs while the server is down: unavoidable, and expected here. */
const OUTAGE_NOISE = [/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/, /Failed to fetch/];

describe.skipIf(!hasChromium)('scenario: error handling and recovery (bun binary, kill -9, restart)', () => {
  const dataDir = tempDir('auren-e2e-recovery-');
  let port = 0;
  const serve = () => spawnAuren('bun-binary', ['serve', '--port', String(port), '--data-dir', dataDir, '--archive', 'none']);
  const suite = useBrowserSuite(async () => {
    port = await freePort();
    return serve();
  });

  it('the page and the simulator ride out a crash; the page resumes with since and misses nothing', async () => {
    const url = suite.server.url;
    const w = await openPage(suite.browser, url + '/', { allow: OUTAGE_NOISE });
    const { page } = w;
    const seen = watchPageStream(page);
    await page.waitForSelector('#conn[data-state="live"]');

    const sim = runSimulation({ url, agents: 5, rate: 400, durationMs: 7000, seed: 21, runId: 'recovery' });
    await new Promise((r) => setTimeout(r, 3000));
    await suite.server.kill9();
    await page.waitForSelector('#conn[data-state="reconnecting"]');
    await w.shot('e2e-recovery-down');
    await new Promise((r) => setTimeout(r, 700));
    suite.server = await serve();
    const summary = await sim;
    expect(summary.accepted + summary.duplicates).toBe(summary.sent);
    expect(summary.retries).toBeGreaterThan(0);

    await page.waitForSelector('#conn[data-state="live"]', { timeout: 20_000 });
    // The reconnect asked for what it had not safely seen.
    const resumed = seen.urls.slice(1).map((u) => new URL(u).searchParams.get('since'));
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed, seen.urls.join('\n')).toEqual(resumed.map(() => expect.stringMatching(/^[1-9]\d*$/)));

    // Every stored event reached the page (replayed or live), each shown once.
    const storedEvents = await storedSeqs(url);
    const stored = storedEvents.map((e) => e.seq);
    const storedTypes = new Map(storedEvents.map((e) => [e.seq, `${e.seq} ${e.type} ${e.id} ${JSON.stringify(e.data)}`]));
    const missing = () => {
      const got = new Set(seen.seqs);
      return stored.filter((s) => !got.has(s));
    };
    for (const deadline = Date.now() + 15_000; missing().length > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
    expect(missing().map((s) => storedTypes.get(s))).toEqual([]);
    // The page renders what its socket received on animation frames, a moment later: wait for the
    // feed to show them all (a stuck feed still fails below).
    const shownAll = new RegExp(`of the last ${Math.min(stored.length, 11000).toLocaleString('en-US')} events`);
    await page
      .waitForFunction((src) => new RegExp(src).test(document.querySelector('#feed-status')?.textContent ?? ''), shownAll.source, { timeout: 10_000 })
      .catch(() => {});
    expect(await page.textContent('#feed-status')).toMatch(shownAll);
    await w.shot('e2e-recovery-resumed');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});

/** Every seq in the store, read through the stream's own replay (a plain client, since=0). */
async function storedSeqs(url: string): Promise<{ seq: number; type: string; id: string; data: unknown }[]> {
  const { connectStream } = await import('../helpers/ws-client.js');
  const c = await connectStream(url, 'since=0');
  await c.until((f) => f.some((x) => x.type === 'replay_done'), 15_000);
  c.close();
  return (c.events() as { seq: number; type: string; id: string; data: unknown }[]).sort((a, b) => a.seq - b.seq);
}
