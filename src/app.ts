/**
 * createApp builds the HTTP app from its dependencies, the same way on Bun, on Node and in tests.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppContext, Module } from './app-context.js';
import { loopbackHostGuard } from './auth/host-guard.js';
import { principalOf } from './auth/middleware.js';
import { HttpError } from './core/errors.js';
import { eventsRoute } from './ingest/events-route.js';
import { streamRoutes } from './stream/stream-routes.js';

export function createApp(ctx: AppContext, modules: Module[] = []): Hono {
  const app = new Hono();
  const { metrics } = ctx;

  if (ctx.config.corsOrigin) {
    app.use('/v1/*', async (c, next) => {
      // The stream route upgrades to a WebSocket: headers added there would break the handshake.
      if (c.req.path === '/v1/stream' && c.req.header('upgrade')) return next();
      return cors({ origin: ctx.config.corsOrigin!, allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding', 'Last-Event-ID'], maxAge: 600 })(c, next);
    });
  }

  // Auth off: serve loopback Host names only, so a web page cannot reach us by DNS rebinding.
  if (!ctx.keys.enabled && !ctx.config.insecure) app.use('*', loopbackHostGuard());

  app.onError((err, c) => {
    if (err instanceof HttpError) {
      metrics.httpRequests.inc({ route: c.req.routePath, status: String(err.status) });
      return c.json({ error: err.message }, err.status as 400, err.headers);
    }
    ctx.logger.error('unhandled error', { err, path: c.req.path });
    metrics.httpRequests.inc({ route: c.req.routePath, status: '500' });
    return c.json({ error: 'internal error; the request may not have been processed, retry it' }, 500);
  });
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path.slice(0, 100)}` }, 404));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const problems: string[] = [];
    if (!ctx.log.writable()) problems.push('event store is not writable');
    for (const m of modules) {
      const p = m.ready?.();
      if (p) problems.push(`${m.name}: ${p}`);
    }
    return problems.length ? c.json({ status: 'not ready', problems }, 503) : c.json({ status: 'ready' });
  });
  app.get('/metrics', async (c) => {
    // An admin key, or a metrics key that can read nothing else (for the Prometheus scraper).
    principalOf(c, ctx.keys, 'metrics');
    return c.text(await metrics.text(), 200, { 'Content-Type': metrics.registry.contentType });
  });

  eventsRoute(app, ctx);
  streamRoutes(app, ctx);
  for (const m of modules) m.routes?.(app, ctx);
  return app;
}
