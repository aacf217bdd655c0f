/** The limits of the ingest gate and the messages its 429s and 408s carry (each says what to fix). */
import { HttpError } from '../core/errors.js';

export interface GateLimits {
  /** --max-inflight: bodies read at once. */
  slots: number;
  /** --max-inflight-bytes: bytes held by bodies being read or processed. */
  bytes: number;
  /** --max-inflight-share: the fraction of slots and bytes one client address may hold. */
  share: number;
  /** --min-body-rate, bytes per second. */
  minRate: number;
  /** --body-timeout. */
  timeoutMs: number;
}

export type ShedReason = 'inflight' | 'inflight_address' | 'inflight_bytes' | 'inflight_address_bytes';
export type CutReason = 'timeout' | 'slow' | 'yielded';

export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${Math.round(n)} bytes`;
}

export function refusal(reason: ShedReason, l: GateLimits): string {
  const share = `${Math.round(l.share * 100)}%`;
  switch (reason) {
    case 'inflight':
      return `more than ${l.slots} ingest requests in flight; retry after a moment`;
    case 'inflight_address':
      return `your address already has ${Math.max(1, Math.floor(l.slots * l.share))} ingest requests in flight (${share} of --max-inflight ${l.slots}); retry after a moment, or send from fewer connections at once`;
    case 'inflight_bytes':
      return `ingest bodies in flight already hold the ${formatBytes(l.bytes)} budget (--max-inflight-bytes); retry after a moment, or send smaller batches`;
    case 'inflight_address_bytes':
      return `ingest bodies in flight from your address already hold ${share} of the ${formatBytes(l.bytes)} budget (--max-inflight-bytes); retry after a moment, or send smaller batches`;
  }
}

export function bodyCut(reason: CutReason, l: GateLimits): HttpError {
  const rate = `${formatBytes(l.minRate)}/s (--min-body-rate)`;
  const message = {
    timeout: `the request body was not complete within ${l.timeoutMs / 1000} s (--body-timeout); send smaller batches, or send them faster`,
    slow: `the request body arrived slower than ${rate}; send it faster, or in smaller batches`,
    yielded: `the request body arrived slower than ${rate} while other requests waited for its slot; send it faster, or in smaller batches`,
  }[reason];
  // The rest of the body is never read, so the connection cannot carry another request.
  return new HttpError(408, message, { Connection: 'close' });
}
