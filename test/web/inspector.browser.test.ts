import { describe, expect, it } from 'vitest';
import { postEvents } from '../helpers/ws-client.js';
import { startTestServer } from '../helpers/server.js';
import { hasChromium, openPage, useBrowserSuite } from './helpers/browser.js';

describe.skipIf(!hasChromium)('stream inspector in Chromium', () => {
  const suite = useBrowserSuite(() => startTestServer());

  it('subscribes with a filter, shows raw frames, resubscribes live, pings, replays since', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/inspector');
    const { page } = w;
    await page.fill('input[name="types"]', 'tool.*');
    expect(await page.textContent('#stream-url')).toMatch(/\/v1\/stream\?types=tool\.\*$/);
    await page.click('#connect');
    await page.waitForSelector('#conn[data-state="live"]');
    await postEvents(suite.server.url, [
      { type: 'agent.step', data: { text: 'not me' } },
      { type: 'tool.failed', data: { tool: 'db.query', error: 'locked' } },
      { type: 'tool.call', data: { tool: 'web.search' } },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('.frame.t-events').length >= 2);
    const frames = await page.$$eval('.frame.t-events', (els) => els.map((e) => e.textContent!));
    expect(frames.join('\n')).toContain('"type":"tool.failed"');
    expect(frames.join('\n')).not.toContain('not me');
    expect(await page.$$eval('.frame.t-critical', (els) => els.length)).toBe(1);

    // Change the subscription on the open socket.
    await page.fill('input[name="types"]', 'agent.*');
    await page.click('#subscribe');
    await page.waitForSelector('.frame.t-subscribed');
    await postEvents(suite.server.url, [{ type: 'agent.step', data: { text: 'now me' } }]);
    await page.waitForFunction(() => document.querySelector('#frames')!.textContent!.includes('now me'));

    await page.click('#ping');
    await page.waitForSelector('.frame.t-pong');

    // Reconnect replaying from a seq.
    await page.fill('input[name="since"]', '0');
    await page.fill('input[name="types"]', '');
    await page.click('#connect');
    await page.waitForSelector('.frame.t-replay_done');
    expect(await page.textContent('#frames')).toContain('not me');
    await w.shot('inspector');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('shows the server\'s reason for a bad filter instead of retrying forever', async () => {
    // The refused upgrade and the follow-up GET are the two expected failed requests.
    const w = await openPage(suite.browser, suite.server.url + '/inspector', { allow: [/WebSocket connection to .* failed/, /status of 400/, /^HTTP 400 GET \/v1\/stream$/] });
    const { page } = w;
    await page.waitForSelector('#conn[data-state="stopped"]');
    await page.fill('input[name="tiers"]', 'urgent');
    await page.click('#connect');
    await page.waitForFunction(() => document.querySelector('#conn-text')!.textContent!.includes('refused'));
    expect(await page.textContent('#conn-text')).toContain('the server refused the stream (400): tiers: "urgent" is not a tier');
    expect(await page.getAttribute('#conn', 'data-state')).toBe('stopped');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
