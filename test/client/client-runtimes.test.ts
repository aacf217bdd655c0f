import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storedEvents } from './stored.js';

const PAGE = '<!doctype html><script type="module">import * as m from "/client.js"; window.auren = m;</script>';

/** Serves the page and the built client from a real loopback origin (other than the server's). */
async function pageServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const code = readFileSync('dist/client/index.js', 'utf8');
  const srv = createServer((req, res) => {
    if (req.url === '/client.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { origin: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('the built auren-realtime/client package on Node, Bun and Chromium', () => {
  let s: TestServer;
  let web: Awaited<ReturnType<typeof pageServer>>;
  beforeAll(async () => {
    execFileSync('npm', ['run', '--silent', 'build:client'], { stdio: 'pipe' });
    web = await pageServer();
    s = await startTestServer({ config: { corsOrigin: web.origin } });
  });
  afterAll(async () => {
    await web.close();
    await s.stop();
    expect(s.errors).toEqual([]);
  });

  for (const [runtime, cmd] of [['node', ['node']], ['bun', ['npx', 'bun']]] as const) {
    it(`emits through the package export on ${runtime}`, async () => {
      // Async: the server runs in this process and must keep answering while the child runs.
      const { stdout: out } = await promisify(execFile)(cmd[0], [...cmd.slice(1), 'test/client/fixtures/emit.mjs', s.url, runtime], { encoding: 'utf8' });
      const { ok, stats } = JSON.parse(out.trim().split('\n').pop()!);
      expect(ok).toBe(true);
      expect(stats).toMatchObject({ emitted: 20, accepted: 20, dropped: { total: 0 } });
      const mine = (await storedEvents(s.url, 'rt.*')).filter((e) => e.agent_id === runtime);
      expect(mine).toHaveLength(20);
      expect(mine.find((e) => e.type === 'rt.error')).toMatchObject({ tier: 'critical' });
    });
  }

  it('emits (gzip via CompressionStream) and subscribes in Chromium', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${web.origin}/`);
      await page.waitForFunction(() => (window as unknown as { auren?: unknown }).auren);
      const result = await page.evaluate(async (url) => {
        const { createClient } = (window as unknown as { auren: typeof import('../../src/client/index.js') }).auren;
        const client = createClient({ url, flushIntervalMs: 20 });
        const seen: string[] = [];
        const opened = new Promise<void>((resolve) => client.subscribe({ types: 'browser.*' }, (f) => f.type === 'events' && f.events.forEach((e) => seen.push(e.id)), { onState: (st) => st === 'open' && resolve() }));
        await opened;
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) ids.push(client.emit({ type: 'browser.step', data: { i, text: 'y'.repeat(100) } })!);
        await client.flush(10_000);
        for (let i = 0; i < 200 && !ids.every((id) => seen.includes(id)); i++) await new Promise((r) => setTimeout(r, 25));
        const stats = client.stats();
        await client.close();
        return { stats, all: ids.every((id) => seen.includes(id)), seen: seen.length, compression: typeof CompressionStream };
      }, s.url);
      expect(result).toMatchObject({ all: true, seen: 30, compression: 'function', stats: { accepted: 30, dropped: { total: 0 } } });

      // Events still waiting for their batch when the tab goes away leave with a keepalive request.
      await page.evaluate((url) => {
        const { createClient } = (window as unknown as { auren: typeof import('../../src/client/index.js') }).auren;
        const late = createClient({ url, flushIntervalMs: 600_000 });
        for (let i = 0; i < 5; i++) late.emit({ type: 'browser.unload', data: { i } });
      }, s.url);
      await page.goto('about:blank');
      let unloaded: Record<string, unknown>[] = [];
      for (let i = 0; i < 100 && unloaded.length < 5; i++) {
        unloaded = await storedEvents(s.url, 'browser.unload');
        if (unloaded.length < 5) await new Promise((r) => setTimeout(r, 50));
      }
      expect(unloaded).toHaveLength(5);
    } finally {
      await browser.close();
    }
  });
});
