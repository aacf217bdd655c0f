/** POST /v1/events: one object, an array, or NDJSON; gzip allowed; partial acceptance. */
import type { Hono } from 'hono';
import { principalOf } from '../auth/middleware.js';
import type { AppContext } from '../app-context.js';
import { HttpError } from '../core/errors.js';
import { decodeUtf8, readBody } from './read-body.js';
import { bodyFormat, splitBody } from './split-body.js';

export const MAX_EVENTS_PER_REQUEST = 100_000;

export function eventsRoute(app: Hono, ctx: AppContext): void {
  // Bodies being read are held in memory: bound how many are in flight at once.
  let inflight = 0;
  app.post('/v1/events', async (c) => {
    const principal = principalOf(c, ctx.keys, 'ingest');
    const format = bodyFormat(c.req.header('content-type'));
    if (inflight >= ctx.config.maxInflight) {
      ctx.metrics.shed.inc({ reason: 'inflight' });
      throw new HttpError(429, `more than ${ctx.config.maxInflight} ingest requests in flight; retry after a moment`, { 'Retry-After': '1' });
    }
    inflight++;
    let text: string;
    try {
      text = decodeUtf8(await readBody(c.req.raw, ctx.config.maxBodyBytes));
    } finally {
      inflight--;
    }
    const items = splitBody(text, format, MAX_EVENTS_PER_REQUEST);
    const result = await ctx.ingest.ingest(principal.project, items);
    if (result.accepted === 0 && result.duplicates === 0) {
      const first = result.errors[0];
      return c.json({ error: `no event in the request is valid; event ${first.index}: ${first.error}`, ...result }, 400);
    }
    return c.json(result, 202);
  });
}
