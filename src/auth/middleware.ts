/** Resolves the caller's principal from `Authorization: Bearer KEY` or `?token=KEY`. */
import type { Context } from 'hono';
import { HttpError } from '../core/errors.js';
import type { KeyRing, Principal } from './api-keys.js';

export function principalOf(c: Context, keys: KeyRing, need: 'ingest' | 'read' | 'metrics'): Principal {
  if (!keys.enabled) return keys.lookup('')!;
  const header = c.req.header('authorization');
  let key: string | undefined;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new HttpError(401, 'the Authorization header must be "Bearer KEY"', { 'WWW-Authenticate': 'Bearer' });
    key = m[1];
  } else {
    key = c.req.query('token');
  }
  if (!key) throw new HttpError(401, 'an API key is required: send "Authorization: Bearer KEY" (or ?token=KEY for browser streams)', { 'WWW-Authenticate': 'Bearer' });
  const p = keys.lookup(key);
  if (!p) throw new HttpError(401, 'the API key is not valid', { 'WWW-Authenticate': 'Bearer' });
  if (need === 'ingest' && !p.canIngest) throw new HttpError(403, `this key has the ${p.role} role; sending events needs an ingest or admin key`);
  if (need === 'read' && !p.canRead) throw new HttpError(403, `this key has the ${p.role} role; reading needs a read or admin key`);
  if (need === 'metrics' && p.role !== 'admin' && p.role !== 'metrics') throw new HttpError(403, `this key has the ${p.role} role; metrics need an admin or metrics key`);
  return p;
}
