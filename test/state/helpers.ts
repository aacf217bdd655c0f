/** Small helpers for the dashboard state tests: JSON GETs, posting in order, waiting for the state. */
import { expect } from 'vitest';
import type { DashboardsModule } from '../../src/state/dashboards-module.js';
import type { TestServer } from '../helpers/server.js';
import { postEvents } from '../helpers/ws-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export function getter(url: string, headers: Record<string, string> = {}) {
  return async (path: string): Promise<Json> => {
    const res = await fetch(url + path, { headers });
    const body = (await res.json()) as Json;
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
}

export async function postAll(url: string, batches: unknown[][], headers: Record<string, string> = {}): Promise<void> {
  for (const b of batches) {
    const r = await postEvents(url, b, headers);
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json.rejected, JSON.stringify(r.json)).toBe(0);
  }
}

/** Waits until the state has applied everything the log holds (the X-Auren-State-Lag header is 0). */
export async function settled(url: string, headers: Record<string, string> = {}, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const res = await fetch(url + '/v1/dashboards/cost', { headers });
    await res.body?.cancel();
    if (res.headers.get('x-auren-state-lag') === '0') return;
    if (Date.now() - start > timeoutMs) throw new Error(`state still ${res.headers.get('x-auren-state-lag')} events behind`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function dashboardsOf(s: TestServer): DashboardsModule {
  return s.modules.find((m) => m.name === 'dashboards') as DashboardsModule;
}
