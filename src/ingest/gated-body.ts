/**
 * The ingest routes' way to read a body: through the one IngestGate of the server (shared by
 * /v1/events and /v1/traces, since both hold bodies in the same memory), keyed by the client address
 * the runtime recorded.
 */
import type { AppContext } from '../app-context.js';
import { clientIp } from '../auth/client-ip.js';
import type { CutReason } from './gate-messages.js';
import { IngestGate } from './ingest-gate.js';
import { declaredLength, readBody } from './read-body.js';

const gates = new WeakMap<AppContext, IngestGate>();

export function ingestGateOf(ctx: AppContext): IngestGate {
  let gate = gates.get(ctx);
  if (gate) return gate;
  const { config, metrics } = ctx;
  const cuts: Record<CutReason, number> = { timeout: 0, slow: 0, yielded: 0 };
  gate = new IngestGate(
    { slots: config.maxInflight, bytes: config.maxInflightBytes, share: config.maxInflightShare, minRate: config.minBodyRate, timeoutMs: config.bodyTimeoutMs },
    { shed: (reason) => metrics.shed.inc({ reason }), cut: (reason) => cuts[reason]++ },
  );
  const g = gate;
  metrics.counter('auren_ingest_bodies_cut_total', 'Ingest bodies cut off with 408: timeout, slow (below --min-body-rate), yielded (slow, and its slot was needed)', () => cuts, 'reason');
  metrics.gauge('auren_ingest_inflight_bytes', 'Bytes held by ingest bodies being read or processed (--max-inflight-bytes)', () => g.bytesInFlight);
  gates.set(ctx, gate);
  return gate;
}

/**
 * Admits the body (or throws 429), reads it (or throws 408/413/400), then runs `use` while its bytes
 * still count against the budget: parsing and storing a batch holds several times its size.
 */
export async function withGatedBody<T>(ctx: AppContext, req: Request, use: (body: Uint8Array) => Promise<T>): Promise<T> {
  const ticket = ingestGateOf(ctx).admit(clientIp(ctx.config, req), declaredLength(req, ctx.config.maxBodyBytes));
  const read = async (): Promise<Uint8Array> => {
    try {
      return await readBody(req, ctx.config.maxBodyBytes, ticket);
    } finally {
      ticket.doneReading();
    }
  };
  try {
    // No local holds the raw bytes, so they can be collected once `use` has decoded them.
    return await use(await read());
  } finally {
    ticket.release();
  }
}
