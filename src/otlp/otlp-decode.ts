/**
 * Decodes an ExportTraceServiceRequest body (protobuf or OTLP/JSON) into one plain object shape:
 * protobuf is decoded by protobufjs and converted with exact int64 strings; JSON is parsed as is.
 * Malformed bodies are 400s that say what is wrong.
 */
import { HttpError } from '../core/errors.js';
import { otlpTypes } from './otlp-schema.js';

export type OtlpEncoding = 'json' | 'protobuf';

/** Picks the encoding from Content-Type; anything else is a 415 naming the two accepted types. */
export function otlpEncoding(contentType: string | undefined): OtlpEncoding {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (ct === 'application/json') return 'json';
  if (ct === 'application/x-protobuf' || ct === 'application/protobuf') return 'protobuf';
  throw new HttpError(415, `Content-Type "${ct.slice(0, 60) || '(none)'}" is not supported for OTLP traces; send application/x-protobuf or application/json`);
}

export function decodeProtobuf(bytes: Uint8Array): Record<string, unknown> {
  const { request } = otlpTypes();
  let message;
  try {
    message = request.decode(bytes);
  } catch (err) {
    const why = err instanceof RangeError && /call stack/i.test(err.message) ? 'values nested too deeply' : (err as Error).message;
    throw new HttpError(400, `the body is not a valid OTLP ExportTraceServiceRequest (protobuf): ${why.slice(0, 160)}; is it truncated or another message type?`);
  }
  // Bytes stay Uint8Array (ids become hex later); int64/fixed64 become exact decimal strings.
  return request.toObject(message, { longs: String, arrays: true }) as Record<string, unknown>;
}

export function decodeJson(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    const why = err instanceof RangeError ? 'nested too deeply' : (err as Error).message.slice(0, 120);
    throw new HttpError(400, `the body is not valid JSON: ${why}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new HttpError(400, 'an OTLP/JSON body must be an ExportTraceServiceRequest object: {"resourceSpans":[…]}');
  }
  return v as Record<string, unknown>;
}
