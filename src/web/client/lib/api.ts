/** JSON requests to the server with the page's key; a 401 asks the page for a key. */
import { authHeaders } from './auth.js';
import type { SessionInfo } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};

/** What to do when the server says 401 (the dashboard opens its key dialog). */
export function onUnauthorized(fn: () => void): void {
  unauthorized = fn;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders() }, signal, cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: string };
      if (body.error) message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    if (res.status === 401) unauthorized();
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(path, { headers: authHeaders(), signal, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  return res.text();
}

/**
 * Who the page is to the server. Always answers 200 (no console noise): tells whether auth is on,
 * whether the key is good, its role, and the store's last seq.
 */
export function session(key?: string): Promise<SessionInfo> {
  const headers: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : authHeaders();
  return fetch('ui/session', { headers, cache: 'no-store' }).then((r) => {
    if (!r.ok) throw new ApiError(r.status, `session check failed with ${r.status}`);
    return r.json() as Promise<SessionInfo>;
  });
}
