/**
 * Stream slots per client address, so one address cannot take every `--max-clients` slot and lock
 * everyone else out. Addresses are grouped as ingest groups them (IPv6 per /64: a host can pick any
 * address in its /64). Requests without an address (in-process `app.request`) are not counted.
 */
import { HttpError } from '../core/errors.js';
import { addressKey } from '../ingest/address-key.js';

/** Seconds a refused client waits before trying again: long enough for one of its streams to end. */
const RETRY_AFTER_S = 10;

export class AddressSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /**
   * Takes one slot for `address` and returns the function that gives it back (calling it again does
   * nothing). Throws 429 when the address already holds all of its slots.
   * @example const release = slots.take(clientAddress(req)); … on close: release();
   */
  take(address: string | undefined): () => void {
    if (address === undefined) return () => {};
    const key = addressKey(address);
    const n = this.held.get(key) ?? 0;
    if (n >= this.perAddress) {
      throw new HttpError(
        429,
        `too many streams from your address: at most ${this.perAddress} at once (--max-clients-per-address); close streams you no longer read, or retry later`,
        { 'Retry-After': String(RETRY_AFTER_S) },
      );
    }
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}
