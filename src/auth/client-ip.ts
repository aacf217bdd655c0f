/**
 * The client address that per-address limits count (ingest body shares, streams per address). By
 * default the peer of the connection. Behind a reverse proxy every client has the proxy's address,
 * so one busy client would take every client's share; `--client-ip-header` (e.g. Fly-Client-IP on
 * Fly.io, X-Forwarded-For behind nginx) names the header the proxy sets instead. Only the LAST
 * address in it is taken: a proxy appends the peer it saw, while anything before it came from the
 * client and may be forged. A header that is missing or not an IP address falls back to the peer.
 */
import { isIP } from 'node:net';
import type { Config } from '../config/schema.js';
import { clientAddress } from '../runtime/client-address.js';

export function clientIp(config: Pick<Config, 'clientIpHeader'>, req: Request): string | undefined {
  const name = config.clientIpHeader;
  if (name) {
    const value = req.headers.get(name);
    if (value && value.length <= 1024) {
      const last = value.slice(value.lastIndexOf(',') + 1).trim();
      if (isIP(last) !== 0) return last;
    }
  }
  return clientAddress(req);
}
