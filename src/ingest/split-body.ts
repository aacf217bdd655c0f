/** Turns a decoded body into the list of raw items it carries: one object, a JSON array, or NDJSON. */
import { HttpError } from '../core/errors.js';

export type BodyFormat = 'json' | 'ndjson';

export interface RawItem {
  /** The parsed value, or the reason this line could not be parsed. */
  value?: unknown;
  error?: string;
}

export function bodyFormat(contentType: string | undefined): BodyFormat {
  const ct = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (ct === 'application/json' || ct === '') return 'json';
  if (ct === 'application/x-ndjson' || ct === 'application/ndjson' || ct === 'application/jsonl' || ct === 'application/jsonlines') return 'ndjson';
  throw new HttpError(415, `Content-Type "${ct.slice(0, 60)}" is not supported; send application/json (an object or an array) or application/x-ndjson`);
}

export function splitBody(text: string, format: BodyFormat, maxItems: number): RawItem[] {
  if (format === 'ndjson') {
    const items: RawItem[] = [];
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end).trim();
      start = end + 1;
      if (line === '') continue;
      if (items.length >= maxItems) throw new HttpError(413, `more than ${maxItems} events in one request; split the batch`);
      try {
        items.push({ value: JSON.parse(line) });
      } catch (err) {
        items.push({ error: `line is not valid JSON: ${jsonError(err)}` });
      }
    }
    if (items.length === 0) throw new HttpError(400, 'the body holds no events; send one JSON object per line');
    return items;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the body is not valid JSON: ${jsonError(err)}`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new HttpError(400, 'the body is an empty array; send at least one event');
    if (value.length > maxItems) throw new HttpError(413, `more than ${maxItems} events in one request; split the batch`);
    return value.map((v) => ({ value: v }));
  }
  return [{ value }];
}

function jsonError(err: unknown): string {
  if (err instanceof RangeError) return 'nested too deeply';
  return String((err as Error).message).slice(0, 120);
}
