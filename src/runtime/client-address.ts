/**
 * The network address a request came from. Only the runtime layer sees the socket (Bun:
 * server.requestIP; Node: the incoming socket), so it records the address here when a request
 * arrives and app code reads it back. A WeakMap rather than a header: a client cannot forge it, and
 * the entry goes away with the request.
 */
const addresses = new WeakMap<Request, string>();

/** Called by src/runtime/<runtime>/server.ts for every request it hands to the app. */
export function recordClientAddress(req: Request, address: string | undefined | null): void {
  if (address) addresses.set(req, address);
}

/**
 * The peer address of `req`, or undefined for requests that did not come through a runtime server
 * (in-process `app.request(…)`). IPv4-mapped IPv6 (`::ffff:1.2.3.4`, Node) reads as plain IPv4.
 */
export function clientAddress(req: Request): string | undefined {
  const a = addresses.get(req);
  return a?.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
