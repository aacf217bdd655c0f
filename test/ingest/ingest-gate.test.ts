/** The ingest gate's rules on a controlled clock: slots, bytes, per-address shares, yielding, cut-offs. */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { addressKey } from '../../src/ingest/address-key.js';
import { IngestGate, RATE_GRACE_MS, type GateLimits } from '../../src/ingest/ingest-gate.js';

const LIMITS: GateLimits = { slots: 4, bytes: 1000, share: 0.5, minRate: 100, timeoutMs: 60_000 };

function gate(limits: Partial<GateLimits> = {}) {
  let t = 0;
  const shed: string[] = [];
  const cut: string[] = [];
  const g = new IngestGate({ ...LIMITS, ...limits }, { shed: (r) => shed.push(r), cut: (r) => cut.push(r) }, () => t);
  return { g, shed, cut, advance: (ms: number) => (t += ms) };
}

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('IngestGate', () => {
  it('gives one address half the slots, and the rest to others', () => {
    const { g, shed } = gate();
    g.admit('10.0.0.1', 10);
    g.admit('10.0.0.1', 10);
    const err = refusal(() => g.admit('10.0.0.1', 10));
    expect(err.status).toBe(429);
    expect(err.headers['Retry-After']).toBe('1');
    expect(err.message).toMatch(/your address already has 2 ingest requests in flight/);
    g.admit('10.0.0.2', 10);
    g.admit('10.0.0.3', 10);
    expect(refusal(() => g.admit('10.0.0.4', 10)).message).toMatch(/more than 4 ingest requests in flight/);
    expect(shed).toEqual(['inflight_address', 'inflight']);
  });

  it('counts an IPv6 /64 as one address', () => {
    expect(addressKey('2001:db8:1:2::7')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey(undefined)).toBe('unknown');
    const { g } = gate();
    g.admit('2001:db8:1:2::7', 10);
    g.admit('2001:db8:1:2::8', 10);
    expect(refusal(() => g.admit('2001:db8:1:2:ffff::9', 10)).status).toBe(429);
  });

  it('frees slots and bytes on release, once', () => {
    const { g } = gate();
    const a = g.admit('a', 400);
    a.doneReading();
    expect(g.bytesInFlight).toBe(400);
    a.release();
    a.release();
    expect(g.bytesInFlight).toBe(0);
    g.admit('a', 10);
    g.admit('a', 10);
  });

  it('bounds the bytes held, per address and in all', () => {
    const { g, shed } = gate();
    g.admit('a', 500);
    expect(refusal(() => g.admit('a', 1)).message).toMatch(/from your address already hold 50% of the 1000 bytes budget/);
    g.admit('b', 400);
    expect(refusal(() => g.admit('c', 200)).message).toMatch(/already hold the 1000 bytes budget \(--max-inflight-bytes\)/);
    expect(shed).toEqual(['inflight_address_bytes', 'inflight_bytes']);
  });

  it('always lets one body in when nothing else is held, even past the budget', () => {
    const { g } = gate();
    const t = g.admit('a', 5000);
    t.holding(8000);
    expect(g.bytesInFlight).toBe(8000);
  });

  it('grows the reservation of a chunked body and refuses it past the budget', () => {
    const { g } = gate();
    g.admit('a', 300);
    const t = g.admit('b', 0);
    t.holding(400);
    expect(g.bytesInFlight).toBe(700);
    expect(refusal(() => t.holding(800)).status).toBe(429);
  });

  it('lets a waiting request take the slot of a body that fell behind the minimum rate', () => {
    const { g, cut, advance } = gate();
    const slow = g.admit('a', 400);
    const fast = g.admit('a', 50);
    // Young bodies are not judged yet: the newcomer is refused.
    expect(refusal(() => g.admit('a', 10)).status).toBe(429);
    advance(2000);
    fast.received(300);
    slow.received(3);
    g.admit('a', 10);
    expect(cut).toEqual(['yielded']);
    expect(slow.signal.aborted).toBe(true);
    const reason = slow.signal.reason as HttpError;
    expect(reason.status).toBe(408);
    expect(reason.message).toMatch(/slower than 100 bytes\/s \(--min-body-rate\) while other requests waited/);
    expect(fast.signal.aborted).toBe(false);
    // The evicted body's bytes were freed at once.
    expect(g.bytesInFlight).toBe(60);
  });

  it('never takes the slot of a body that keeps up with the minimum rate', () => {
    const { g, advance } = gate();
    const a = g.admit('a', 10);
    const b = g.admit('a', 10);
    advance(5000);
    a.received(600);
    b.received(600);
    expect(refusal(() => g.admit('a', 10)).status).toBe(429);
  });

  it('cuts off bodies slower than the minimum rate after the grace period, and bodies past the deadline', async () => {
    const limits = { timeoutMs: 300, minRate: 10 };
    const realNow = () => performance.now();
    const cut: string[] = [];
    const g = new IngestGate({ ...LIMITS, ...limits }, { shed() {}, cut: (r) => cut.push(r) }, realNow);
    const t = g.admit('a', 100);
    t.received(100);
    await new Promise((r) => setTimeout(r, 1200));
    expect(cut).toEqual(['timeout']);
    expect((t.signal.reason as HttpError).message).toMatch(/not complete within 0.3 s \(--body-timeout\)/);
    expect(g.bytesInFlight).toBe(0);
    // The rate rule: after the grace period, each minRate bytes buy one more second.
    expect(t.lagMs(t.started + RATE_GRACE_MS + 5000, RATE_GRACE_MS, 10)).toBeCloseTo(-5000, 6);
    expect(t.lagMs(t.started + RATE_GRACE_MS + 20_000, RATE_GRACE_MS, 10)).toBeCloseTo(10_000, 6);
  });
});
