/**
 * Admission for ingest bodies (POST /v1/events and /v1/traces). Bodies are held in memory while they
 * are read and processed, so three things are bounded:
 * - slots: bodies being read at once (--max-inflight);
 * - bytes: bytes held by bodies being read or processed (--max-inflight-bytes), declared by
 *   Content-Length up front and grown as (gunzipped) bytes arrive;
 * - one client address may hold only a share of both (--max-inflight-share), so others get in.
 * A body must also keep arriving: it is cut off with 408 when it is not complete within
 * --body-timeout, or falls behind --min-body-rate. Under contention, a body that has fallen behind
 * that rate yields its slot at once to the request that needs it, so trickling bodies cannot hold
 * slots (or bytes) that someone else is waiting for.
 */
import { HttpError } from '../core/errors.js';
import { addressKey } from './address-key.js';
import { BodyTicket } from './body-ticket.js';
import { bodyCut, refusal, type CutReason, type GateLimits, type ShedReason } from './gate-messages.js';

export type { GateLimits } from './gate-messages.js';

/** The first seconds of a body are not rate-checked: TCP slow start, a client busy building its batch. */
export const RATE_GRACE_MS = 10_000;
/** Under contention, a body this old that is behind --min-body-rate gives up its slot. */
export const YIELD_AFTER_MS = 1_000;
const SWEEP_MS = 500;

interface Usage {
  slots: number;
  bytes: number;
}

export interface GateHooks {
  shed(reason: ShedReason): void;
  cut(reason: CutReason): void;
}

export class IngestGate {
  private readonly readers = new Set<BodyTicket>();
  private readonly total: Usage = { slots: 0, bytes: 0 };
  private readonly byAddress = new Map<string, Usage>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly limits: GateLimits,
    private readonly hooks: GateHooks = { shed() {}, cut() {} },
    readonly now: () => number = () => performance.now(),
  ) {}

  /** Bytes held by bodies in flight (for the metrics gauge). */
  get bytesInFlight(): number {
    return this.total.bytes;
  }

  /**
   * Takes a slot and reserves `declared` bytes for a body from `address`, or throws 429 (Retry-After)
   * with a message naming the limit. The caller must `doneReading()` and `release()` the ticket.
   */
  admit(address: string | undefined, declared: number): BodyTicket {
    const key = addressKey(address);
    const bytes = Math.min(declared, this.limits.bytes);
    this.makeRoom(key, 1, bytes, undefined);
    const ticket = new BodyTicket(this, key, this.now());
    this.account(key, 1, bytes);
    ticket.reserved = bytes;
    this.readers.add(ticket);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS);
    (this.sweeper as { unref?: () => void }).unref?.();
    return ticket;
  }

  /** Grows a ticket's reservation to `bytes` (chunked or gzip bodies), or throws 429. */
  grow(ticket: BodyTicket, bytes: number): void {
    if (ticket.released || bytes <= ticket.reserved) return;
    this.makeRoom(ticket.key, 0, bytes - ticket.reserved, ticket);
    this.account(ticket.key, 0, bytes - ticket.reserved);
    ticket.reserved = bytes;
  }

  /** The body is read (or failed): its slot is free; its bytes stay reserved until release. */
  stopReading(ticket: BodyTicket): void {
    if (!this.readers.delete(ticket)) return;
    this.account(ticket.key, -1, 0);
    if (this.readers.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  release(ticket: BodyTicket): void {
    this.stopReading(ticket);
    if (ticket.released) return;
    ticket.released = true;
    this.account(ticket.key, 0, -ticket.reserved);
  }

  private account(key: string, slots: number, bytes: number): void {
    const u = this.byAddress.get(key) ?? { slots: 0, bytes: 0 };
    u.slots += slots;
    u.bytes += bytes;
    this.total.slots += slots;
    this.total.bytes += bytes;
    if (u.slots === 0 && u.bytes === 0) this.byAddress.delete(key);
    else this.byAddress.set(key, u);
  }

  /** Evicts bodies that fell behind the minimum rate until the request fits, else throws 429. */
  private makeRoom(key: string, slots: number, bytes: number, self: BodyTicket | undefined): void {
    for (;;) {
      const why = this.refused(key, slots, bytes, self);
      if (!why) return;
      const victim = this.laggard(why.perAddress ? key : undefined, self);
      if (!victim) {
        this.hooks.shed(why.reason);
        throw new HttpError(429, refusal(why.reason, this.limits), { 'Retry-After': '1' });
      }
      this.cut(victim, 'yielded');
    }
  }

  private refused(key: string, slots: number, bytes: number, self: BodyTicket | undefined): { reason: ShedReason; perAddress: boolean } | undefined {
    const mine = this.byAddress.get(key) ?? { slots: 0, bytes: 0 };
    const own = self?.reserved ?? 0;
    const { share } = this.limits;
    if (slots && this.total.slots + slots > this.limits.slots) return { reason: 'inflight', perAddress: false };
    if (slots && mine.slots + slots > Math.max(1, Math.floor(this.limits.slots * share))) return { reason: 'inflight_address', perAddress: true };
    // One body alone always fits, so a body larger than the budget is still served when all is quiet.
    if (bytes && this.total.bytes - own > 0 && this.total.bytes + bytes > this.limits.bytes) return { reason: 'inflight_bytes', perAddress: false };
    if (bytes && mine.bytes - own > 0 && mine.bytes + bytes > this.limits.bytes * share) return { reason: 'inflight_address_bytes', perAddress: true };
    return undefined;
  }

  /** The reader furthest behind the minimum rate (past YIELD_AFTER_MS), optionally from one address. */
  private laggard(key: string | undefined, self: BodyTicket | undefined): BodyTicket | undefined {
    const now = this.now();
    let worst: BodyTicket | undefined;
    let worstLag = 0;
    for (const t of this.readers) {
      if (t === self || (key !== undefined && t.key !== key)) continue;
      const lag = t.lagMs(now, YIELD_AFTER_MS, this.limits.minRate);
      if (lag > worstLag) [worst, worstLag] = [t, lag];
    }
    return worst;
  }

  private sweep(): void {
    const now = this.now();
    for (const t of [...this.readers]) {
      if (now - t.started > this.limits.timeoutMs) this.cut(t, 'timeout');
      else if (t.lagMs(now, RATE_GRACE_MS, this.limits.minRate) > 0) this.cut(t, 'slow');
    }
  }

  /** Frees the body's slot and bytes now (the reader stops soon) and answers it with 408. */
  private cut(t: BodyTicket, reason: CutReason): void {
    this.release(t);
    this.hooks.cut(reason);
    t.abort(bodyCut(reason, this.limits));
  }
}
