/** One admitted ingest body: what it has reserved and received, and how to cut it off. */
import type { HttpError } from '../core/errors.js';
import type { IngestGate } from './ingest-gate.js';
import type { BodyWatch } from './read-body.js';

export class BodyTicket implements BodyWatch {
  /** Bytes counted against the in-flight budget. */
  reserved = 0;
  /** Bytes off the wire so far (before gunzip). */
  bytesIn = 0;
  released = false;
  private readonly ac = new AbortController();

  constructor(
    private readonly gate: IngestGate,
    /** The client address group (see address-key.ts). */
    readonly key: string,
    readonly started: number,
  ) {}

  get signal(): AbortSignal {
    return this.ac.signal;
  }

  received(n: number): void {
    this.bytesIn += n;
  }

  holding(total: number): void {
    this.gate.grow(this, total);
  }

  doneReading(): void {
    this.gate.stopReading(this);
  }

  release(): void {
    this.gate.release(this);
  }

  abort(err: HttpError): void {
    this.ac.abort(err);
  }

  /**
   * How far (ms) the body is behind schedule: after `graceMs`, every `minRate` bytes buy one more
   * second (Apache mod_reqtimeout's rule). Positive = too slow.
   */
  lagMs(now: number, graceMs: number, minRate: number): number {
    return now - this.started - graceMs - (this.bytesIn / minRate) * 1000;
  }
}
