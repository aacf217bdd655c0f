/**
 * OTLP/HTTP responses in the request's encoding: ExportTraceServiceResponse (with partial_success
 * when spans were rejected) on success, a google.rpc.Status body on 4xx/5xx as the OTLP spec asks.
 */
import { otlpTypes } from './otlp-schema.js';
import type { OtlpEncoding } from './otlp-decode.js';

/** gRPC codes the OTLP spec pairs with HTTP statuses (for the Status body). */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 429: 8, 503: 14 };

const MEDIA: Record<OtlpEncoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

export function exportResponse(encoding: OtlpEncoding, rejected: number, errorMessage: string): Response {
  const body = rejected > 0 ? { partialSuccess: { rejectedSpans: rejected, errorMessage } } : {};
  if (encoding === 'json') return json(200, rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage } } : {});
  const { response } = otlpTypes();
  return binary(200, response.encode(response.fromObject(body)).finish());
}

export function statusResponse(encoding: OtlpEncoding, status: number, message: string, headers: Record<string, string> = {}): Response {
  const code = GRPC_CODE[status] ?? (status >= 500 ? 13 : 3);
  if (encoding === 'json') return json(status, { code, message, error: message }, headers);
  const t = otlpTypes().status;
  return binary(status, t.encode(t.fromObject({ code, message })).finish(), headers);
}

function json(status: number, obj: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(obj), { status, headers: { 'Content-Type': MEDIA.json, ...headers } });
}

function binary(status: number, bytes: Uint8Array, headers: Record<string, string> = {}): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status, headers: { 'Content-Type': MEDIA.protobuf, ...headers } });
}
