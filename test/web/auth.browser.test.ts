import type { WebSocket as PwWebSocket } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseApiKeys } from '../../src/auth/api-keys.js';
import { postEvents } from '../helpers/ws-client.js';
import { startTestServer } from '../helpers/server.js';
import { hasChromium, openPage, useBrowserSuite } from './helpers/browser.js';

const READ = 'ui-read-key-0123456789abcdef';
const INGEST = 'ui-ingest-key-0123456789abcdef';
const OTHER = 'ui-other-read-0123456789abcdef';
const LEAVING = 'ui-leaving-read-0123456789abc';
const KEYS = `${READ}=acme:read,${INGEST}=acme:ingest,${OTHER}=other:read`;

describe.skipIf(!hasChromium)('dashboard with auth on, in Chromium', () => {
  const suite = useBrowserSuite(() => startTestServer({ config: { apiKeys: `${KEYS},${LEAVING}=acme:read` } }));

  it('asks for a read key, keeps it in sessionStorage only, and streams with ?token=', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    const sockets: PwWebSocket[] = [];
    page.on('websocket', (ws) => sockets.push(ws));
    await page.waitForSelector('#key-dialog[open]');
    expect(await page.getAttribute('#conn', 'data-state')).not.toBe('live');
    await w.shot('auth-key-dialog');

    // An ingest key cannot read: the dialog says why and stays.
    await page.fill('#key-input', INGEST);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#key-error:not([hidden])');
    expect(await page.textContent('#key-error')).toMatch(/reading needs a read or admin key/);

    await page.fill('#key-input', READ);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#conn[data-state="live"]');
    expect(await page.isVisible('#key-dialog')).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('auren.read-key'))).toBe(READ);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(sockets.at(-1)!.url()).toContain(`token=${READ}`);
    // /metrics is admin-only: the ops panel says so instead of failing.
    expect(await page.textContent('#ops-note')).toMatch(/admin key/);

    // Its project's events arrive; another project's do not.
    await postEvents(suite.server.url, [{ type: 'agent.step', agent_id: 'acme-agent', data: { text: 'for acme' } }], { authorization: `Bearer ${INGEST}` });
    const seq = suite.server.ctx.log.lastSeq();
    await page.waitForSelector(`.feed-row[data-seq="${seq}"]`);
    expect(await page.textContent(`.feed-row[data-seq="${seq}"] .c-summary`)).toBe('for acme');

    // A reload in the same tab keeps the key: no dialog.
    await page.reload();
    await page.waitForSelector('#conn[data-state="live"]');
    expect(await page.isVisible('#key-dialog')).toBe(false);
    await w.shot('auth-connected');
    expect(w.errors).toEqual([]);
    await w.close();

    // A new tab (new session) asks again.
    const fresh = await openPage(suite.browser, suite.server.url + '/');
    await fresh.page.waitForSelector('#key-dialog[open]');
    await fresh.close();
  });

  it('sees only its own project', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#key-dialog[open]');
    await page.fill('#key-input', OTHER);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#conn[data-state="live"]');
    await postEvents(suite.server.url, [{ type: 'agent.step', data: { text: 'acme secret' } }], { authorization: `Bearer ${INGEST}` });
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.$$eval('.feed-row:not([hidden])', (els) => els.length)).toBe(0);
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('asks for a key again when a reload removes the one it streams with', async () => {
    const w = await openPage(suite.browser, suite.server.url + '/');
    const { page } = w;
    await page.waitForSelector('#key-dialog[open]');
    await page.fill('#key-input', LEAVING);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#conn[data-state="live"]');
    // What SIGHUP does with a key file that no longer lists the key: the stream closes with 4001,
    // the page's reconnect asks /ui/session first and is told the key is not valid.
    suite.server.ctx.keys.replace(parseApiKeys(KEYS));
    await page.waitForSelector('#key-dialog[open]', { timeout: 10_000 });
    expect(await page.getAttribute('#conn', 'data-state')).not.toBe('live');
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it('the inspector explains a refused stream with the key in a header, not in the URL', async () => {
    // The follow-up GET is no stream open, so the server would refuse a ?token= there with 401.
    const w = await openPage(suite.browser, suite.server.url + '/', { allow: [/WebSocket connection to .* failed/, /status of 400/, /^HTTP 400 GET \/v1\/stream$/] });
    const { page } = w;
    await page.waitForSelector('#key-dialog[open]');
    await page.fill('#key-input', READ);
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('#conn[data-state="live"]');
    const gets: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/stream') && r.resourceType() !== 'websocket') gets.push(`${r.url()} ${r.headers().authorization ?? ''}`);
    });
    await page.goto(suite.server.url + '/inspector');
    await page.fill('input[name="tiers"]', 'urgent');
    await page.click('#connect');
    await page.waitForFunction(() => document.querySelector('#conn-text')!.textContent!.includes('refused'));
    expect(await page.textContent('#conn-text')).toContain('the server refused the stream (400): tiers: "urgent" is not a tier');
    expect(gets).toHaveLength(1);
    expect(gets[0]).not.toContain('token=');
    expect(gets[0]).toContain(`Bearer ${READ}`);
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
