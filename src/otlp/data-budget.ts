/**
 * Keeps a span's `data` under the per-event size limit (64 KiB by default): the largest attribute
 * values are replaced by a marker first (prompts and completions are the usual culprits), then
 * span events, then resource attributes. What was cut is listed in data.truncated.
 */

const encoder = new TextEncoder();
/** Room left for the fields added after the cut and for the truncation notes themselves. */
const HEADROOM = 4096;

export function fitData(data: Record<string, unknown>, maxBytes: number): void {
  const budget = Math.max(1024, maxBytes - HEADROOM);
  const text = JSON.stringify(data);
  // A UTF-16 unit is at most 3 UTF-8 bytes: most spans are far below the limit, skip the encoding.
  if (text.length * 3 <= budget) return;
  let size = encoder.encode(text).byteLength;
  if (size <= budget) return;
  const notes: string[] = Array.isArray(data.truncated) ? (data.truncated as string[]) : [];
  const attrs = (data.attributes ?? {}) as Record<string, unknown>;
  const bySize = Object.keys(attrs)
    .map((k) => [k, bytes(attrs[k])] as const)
    .sort((x, y) => y[1] - x[1]);
  for (const [key, n] of bySize) {
    if (size <= budget || n < 64) break;
    attrs[key] = `[cut: ${n} bytes]`;
    size -= n - bytes(attrs[key]);
    notes.push(`attributes.${key.slice(0, 64)}: value of ${n} bytes removed to fit the ${maxBytes}-byte event limit`);
  }
  for (const key of ['events', 'resource', 'attributes'] as const) {
    if (size <= budget) break;
    if (data[key] === undefined) continue;
    notes.push(`${key}: removed to fit the ${maxBytes}-byte event limit`);
    delete data[key];
    size = bytes(data);
  }
  data.truncated = notes.slice(0, 20);
}

function bytes(v: unknown): number {
  return encoder.encode(JSON.stringify(v) ?? '').byteLength;
}
