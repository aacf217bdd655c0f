/**
 * DNS-rebinding guard for auth-off mode. Without keys the server trusts whoever can reach loopback,
 * but a web page can point its own hostname at 127.0.0.1 and then read the API from the visitor's
 * browser as "same origin". Browsers always send the name they resolved as Host, so when auth is off
 * only loopback names are accepted. With keys (or --insecure, where the operator chose) any Host goes.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../core/errors.js';

const LOOPBACK_HOST = /^(localhost|[a-z0-9-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The hostname part of a Host header value (`name:port`, `[v6]:port`), lowercased. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export function loopbackHostGuard(): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host');
    // HTTP/1.0 clients may omit Host; browsers never do, so the rebinding case always has one.
    if (host !== undefined && !LOOPBACK_HOST.test(hostName(host))) {
      throw new HttpError(403, `Host "${host.slice(0, 80)}" is not a loopback name: with auth off only localhost / 127.0.0.1 / [::1] are served (this blocks DNS rebinding); set --api-keys to serve other names`);
    }
    await next();
  };
}
