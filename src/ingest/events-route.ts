/** POST /v1/events: one object, an array, or NDJSON; gzip allowed; partial acceptance. */
import type { Hono } from 'hono';
import { principalOf } from '../auth/middleware.js';
import type { AppContext } from '../app-context.js';
import { withGatedBody } from './gated-body.js';
import { decodeUtf8 } from './read-body.js';
import { bodyFormat, splitBody } from './split-body.js';

export const MAX_EVENTS_PER_REQUEST = 100_000;

export function eventsRoute(app: Hono, ctx: AppContext): void {
  app.post('/v1/events', async (c) => {
    const principal = principalOf(c, ctx.keys, 'ingest');
    const format = bodyFormat(c.req.header('content-type'));
    // The body's bytes stay counted against the in-flight budget until the batch is stored.
    const result = await withGatedBody(ctx, c.req.raw, (body) => ctx.ingest.ingest(principal.project, splitBody(decodeUtf8(body), format, MAX_EVENTS_PER_REQUEST)));
    if (result.accepted === 0 && result.duplicates === 0) {
      const first = result.errors[0];
      return c.json({ error: `no event in the request is valid; event ${first.index}: ${first.error}`, ...result }, 400);
    }
    return c.json(result, 202);
  });
}
