/**
 * Real headless Chromium for the browser tests (Debian's `chromium` through playwright-core; never a
 * downloaded browser). Pages record console errors and page errors so a test can fail on them, and
 * save screenshots under test/artifacts/ for a reviewer.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = process.env.AUREN_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');

if (!hasChromium) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM}; install it with "apt-get update && apt-get install -y chromium"`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface BrowserSuite<S> {
  /** The server under test; a test that restarts it assigns the new one here. */
  server: S;
  browser: Browser;
}

/**
 * A server and Chromium for the enclosing `describe`: the server starts first, then the browser;
 * after the tests the browser closes first, then the server stops. The returned object is filled in
 * by `beforeAll`: read it inside tests only.
 *
 * @example
 * const suite = useBrowserSuite(() => startTestServer());
 * it('shows the feed', async () => { const w = await openPage(suite.browser, suite.server.url + '/'); });
 */
export function useBrowserSuite<S extends { stop(): Promise<unknown> }>(start: () => Promise<S>): BrowserSuite<S> {
  const suite = {} as BrowserSuite<S>;
  beforeAll(async () => {
    suite.server = await start();
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  errors: string[];
  /** Saves test/artifacts/<name>.png (full page). */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, url: string, o: { width?: number; height?: number; allow?: RegExp[] } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: o.width ?? 1600, height: o.height ?? 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const allowed = (text: string) => (o.allow ?? []).some((re) => re.test(text));
  page.on('console', (m) => {
    if ((m.type() === 'error' || (m.type() === 'warning' && /Content.Security.Policy/i.test(m.text()))) && !allowed(m.text())) errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  // Console lines for failed requests do not say which; record the request too.
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const line = `HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`;
    if (allowed(line)) return;
    void r.text().then(
      (body) => errors.push(`${line}: ${body.slice(0, 200)}`),
      () => errors.push(line),
    );
  });
  await page.goto(url);
  return {
    page,
    errors,
    async shot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    close: () => context.close(),
  };
}
