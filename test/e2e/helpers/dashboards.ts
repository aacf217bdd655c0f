/** Reading the dashboards REST API in scenario tests, once the state has caught up with the log. */
import type { TestServer } from '../../helpers/server.js';

export async function settled(s: { url: string }, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await fetch(s.url + '/v1/dashboards/cost');
    if (res.headers.get('x-auren-state-lag') === '0') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('dashboard state did not catch up with the log');
}

export async function dashboard<T = Record<string, unknown>>(s: TestServer | { url: string }, path: string): Promise<T> {
  const res = await fetch(`${s.url}/v1/dashboards/${path}`);
  if (res.status !== 200) throw new Error(`GET /v1/dashboards/${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}
