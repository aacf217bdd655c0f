/**
 * GET /ui/session: what the page needs to know before it connects: is auth on, is the presented key
 * good and may it read, its role and project, and the store's last seq (to preload recent events).
 * Always 200, so a missing key does not show up as a failed request in the browser console.
 */
import type { Hono } from 'hono';
import pkg from '../../package.json' with { type: 'json' };
import type { AppContext } from '../app-context.js';
import { principalOf } from '../auth/middleware.js';
import { HttpError } from '../core/errors.js';

export function sessionRoute(app: Hono, ctx: AppContext): void {
  app.get('/ui/session', (c) => {
    const headers = { 'Cache-Control': 'no-store' };
    const base = { auth_enabled: ctx.keys.enabled, version: pkg.version };
    try {
      const p = principalOf(c, ctx.keys, 'read');
      return c.json({ ...base, authenticated: true, role: p.role, project: p.project, last_seq: ctx.log.lastSeq() }, 200, headers);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const presented = c.req.header('authorization') !== undefined || c.req.query('token') !== undefined;
      return c.json({ ...base, authenticated: false, reason: presented ? err.message : 'no key' }, 200, headers);
    }
  });
}
