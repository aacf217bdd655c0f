/**
 * OTLP/JSON names fields in lowerCamelCase, but collectors also accept the proto's snake_case
 * names and some senders use them: read either.
 */
const snakeCache = new Map<string, string>();

function snake(camel: string): string {
  let s = snakeCache.get(camel);
  if (s === undefined) snakeCache.set(camel, (s = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return s;
}

export function field(o: Record<string, unknown>, camel: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake(camel)];
}

export function list(o: Record<string, unknown> | undefined, camel: string): unknown[] {
  if (!o) return [];
  const v = field(o, camel);
  return Array.isArray(v) ? v : [];
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
