/** Reads back what a key can see through the stream's `since` replay (the way a resuming client does). */
import WebSocket from 'ws';

export interface Replayed {
  events: Record<string, unknown>[];
  /** seq of the replay_done frame. */
  doneSeq: number;
}

/**
 * Connects with `since`, collects every events frame until `replay_done`, then closes. Fails if the
 * socket closes first or nothing completes within timeoutMs.
 */
export function replayAll(url: string, key?: string, query = 'since=0', timeoutMs = 30_000): Promise<Replayed> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/stream?${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const events: Record<string, unknown>[] = [];
  return new Promise<Replayed>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`replay did not finish within ${timeoutMs} ms (${events.length} events so far)`));
    }, timeoutMs);
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string; events?: Record<string, unknown>[]; seq?: number };
      if (f.type === 'events') events.push(...f.events!);
      if (f.type === 'replay_done') {
        clearTimeout(timer);
        ws.close();
        resolve({ events, doneSeq: f.seq! });
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`stream refused with ${res.statusCode}`));
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`stream closed before replay_done: ${code} ${String(reason)}`));
    });
  });
}
