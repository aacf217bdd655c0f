/** Sends one NDJSON batch to POST /v1/events, retrying what is worth retrying. */
import type { SimEvent } from './sim-event.js';

export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  retries: number;
  /** Problems the server reported for single events (first few). */
  errors: string[];
}

/** A failure retrying cannot fix (bad key, bad URL, bad events): the run stops with its message. */
export class FatalPostError extends Error {}

const MAX_ATTEMPTS = 6;

export async function postBatch(url: string, events: readonly SimEvent[], apiKey: string | undefined, signal?: AbortSignal): Promise<BatchResult> {
  const body = events.map((e) => JSON.stringify(e)).join('\n');
  const headers: Record<string, string> = { 'Content-Type': 'application/x-ndjson' };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  let lastProblem = '';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (signal?.aborted) break;
    let res: Response;
    try {
      res = await fetch(`${url}/v1/events`, { method: 'POST', headers, body, signal });
    } catch (err) {
      if (signal?.aborted) break;
      lastProblem = `cannot reach ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`;
      await sleep(backoff(attempt), signal);
      continue;
    }
    const text = await res.text();
    if (res.status === 202 || res.status === 200) {
      const r = JSON.parse(text) as { accepted?: number; duplicates?: number; rejected?: number; errors?: { index: number; error: string }[] };
      return { accepted: r.accepted ?? 0, duplicates: r.duplicates ?? 0, rejected: r.rejected ?? 0, retries: attempt, errors: (r.errors ?? []).slice(0, 3).map((e) => `event ${e.index}: ${e.error}`) };
    }
    const message = errorText(text) ?? res.statusText;
    if (res.status === 429 || res.status === 503) {
      // The server sheds load: wait as long as it asks (ids make the resend safe).
      lastProblem = `server busy (${res.status}): ${message}`;
      const after = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : backoff(attempt), signal);
      continue;
    }
    if (res.status >= 500) {
      lastProblem = `server error ${res.status}: ${message}`;
      await sleep(backoff(attempt), signal);
      continue;
    }
    if (res.status === 401 || res.status === 403) throw new FatalPostError(`the server refused the key (${res.status}): ${message}; pass an ingest key with --api-key`);
    if (res.status === 404) throw new FatalPostError(`${url}/v1/events does not exist (404): is --url an Auren server?`);
    throw new FatalPostError(`the server rejected a batch (${res.status}): ${message}`);
  }
  if (signal?.aborted) return { accepted: 0, duplicates: 0, rejected: 0, retries: 0, errors: [] };
  throw new FatalPostError(`giving up after ${MAX_ATTEMPTS} attempts: ${lastProblem}`);
}

function errorText(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error?: string }).error;
  } catch {
    return text.slice(0, 200) || undefined;
  }
}

function backoff(attempt: number): number {
  return Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
