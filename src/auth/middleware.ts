/**
 * Resolves the caller's principal from `Authorization: Bearer KEY`, or from `?token=KEY` where the
 * route allows it. Only opening a stream allows it: a browser WebSocket or EventSource cannot set
 * headers. URLs end up in proxy and access logs, so everywhere else a key in the query is refused.
 */
import type { Context } from 'hono';
import { HttpError } from '../core/errors.js';
import type { KeyRing, Principal } from './api-keys.js';

export interface AuthOptions {
  /** Accept `?token=KEY` when no Authorization header is sent (WebSocket / EventSource opens only). */
  queryToken?: boolean;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

export function principalOf(c: Context, keys: KeyRing, need: 'ingest' | 'read' | 'metrics', opts: AuthOptions = {}): Principal {
  if (!keys.enabled) return keys.lookup('')!;
  const header = c.req.header('authorization');
  const token = c.req.query('token');
  // Refused even next to a valid header: a key pasted into a URL by mistake should fail at once,
  // not work (and sit in logs) quietly.
  if (token !== undefined && !opts.queryToken) {
    throw new HttpError(
      401,
      'an API key in ?token= is accepted only when opening a stream (WebSocket or Server-Sent Events on GET /v1/stream), because URLs end up in logs; send "Authorization: Bearer KEY" instead',
      CHALLENGE,
    );
  }
  let key: string | undefined;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new HttpError(401, 'the Authorization header must be "Bearer KEY"', CHALLENGE);
    key = m[1];
  } else {
    key = token;
  }
  if (!key) {
    const how = opts.queryToken ? 'send "Authorization: Bearer KEY" (or ?token=KEY from a browser WebSocket or EventSource)' : 'send "Authorization: Bearer KEY"';
    throw new HttpError(401, `an API key is required: ${how}`, CHALLENGE);
  }
  const p = keys.lookup(key);
  if (!p) throw new HttpError(401, 'the API key is not valid', CHALLENGE);
  if (need === 'ingest' && !p.canIngest) throw new HttpError(403, `this key has the ${p.role} role; sending events needs an ingest or admin key`);
  if (need === 'read' && !p.canRead) throw new HttpError(403, `this key has the ${p.role} role; reading needs a read or admin key`);
  if (need === 'metrics' && p.role !== 'admin' && p.role !== 'metrics') throw new HttpError(403, `this key has the ${p.role} role; metrics need an admin or metrics key`);
  return p;
}
