/**
 * Watches what a page receives on its /v1/stream WebSocket(s), from the browser's side: every
 * event seq, the URLs it connected with (to check `since=` on resume).
 */
import type { Page } from 'playwright-core';

export interface PageStream {
  urls: string[];
  /** Seqs of plain events received (storm summaries excluded), in arrival order, duplicates kept. */
  seqs: number[];
  frames: Record<string, unknown>[];
}

export function watchPageStream(page: Page): PageStream {
  const out: PageStream = { urls: [], seqs: [], frames: [] };
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/v1/stream')) return;
    out.urls.push(ws.url());
    ws.on('framereceived', (f) => {
      if (typeof f.payload !== 'string') return;
      const frame = JSON.parse(f.payload) as Record<string, unknown>;
      out.frames.push(frame);
      if (frame.type !== 'events') return;
      for (const e of frame.events as { seq: number; repeat_count?: number }[]) if (e.repeat_count === undefined) out.seqs.push(e.seq);
    });
  });
  return out;
}
