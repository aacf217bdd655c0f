/**
 * fast-check arbitraries for hostile ingest bodies and stream messages: contract-shaped events with
 * wrong values mixed in, byte-level mutations of valid bodies, and raw noise.
 */
import fc from 'fast-check';

/** Strings that tend to break parsers, loggers, SQL and headers. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\r\n', 'a\nb', '\ud800', '\udfff', '\u2028', '\ufeff', "'; DROP TABLE events;--", '%s%n', '../../etc/passwd', '__proto__', 'constructor', '*', '*.*', 'a'.repeat(129), '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'),
);

const nastyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -0, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 0.5, 1e-320));
const anyValue = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

const NOW = Date.now();
const idString = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/);

/** A contract-valid event (only `type` is required). */
export const validEvent = fc.record(
  {
    id: fc.oneof(fc.uuid(), idString),
    ts: fc.oneof(fc.integer({ min: NOW - 30 * 86_400_000, max: NOW }), fc.integer({ min: NOW - 30 * 86_400_000, max: NOW }).map((t) => new Date(t).toISOString())),
    type: fc.oneof(fc.constantFrom('agent.step', 'llm.call', 'tool.failed', 'memory.formed', 'system.alert', 'agent.handoff', 'hypothesis.created'), fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8}){0,3}$/)),
    tier: fc.constantFrom('critical', 'operational', 'analytical'),
    agent_id: idString,
    session_id: idString,
    trace_id: idString,
    span_id: idString,
    parent_span_id: idString,
    model: fc.constantFrom('gpt-4o', 'claude-sonnet-4', 'unknown-model'),
    usage: fc.record({ input_tokens: fc.integer({ min: 1000, max: 1e7 }), output_tokens: fc.nat(1e6), cache_read_tokens: fc.nat(500), reasoning_tokens: fc.nat(1000) }, { requiredKeys: [] }),
    cost_usd: fc.double({ min: 0, max: 100, noNaN: true }),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    data: fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.dictionary(nastyString, anyValue, { maxKeys: 5 })),
  },
  { requiredKeys: ['type'] },
);

const FIELDS = ['id', 'ts', 'type', 'tier', 'agent_id', 'session_id', 'trace_id', 'span_id', 'parent_span_id', 'model', 'usage', 'cost_usd', 'confidence', 'data', 'project', '__proto__', 'seq', 'unknown'];

/** Mostly valid events, some with one field set to a hostile value, a few entirely random objects. */
export const eventLike: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: validEvent },
  {
    weight: 3,
    arbitrary: fc.tuple(validEvent, fc.constantFrom(...FIELDS), anyValue).map(([e, field, value]) => {
      const o: Record<string, unknown> = { ...e };
      Object.defineProperty(o, field, { value, enumerable: true, configurable: true, writable: true });
      return o;
    }),
  },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 6 }) },
  { weight: 1, arbitrary: anyValue },
);

/** Applies a few byte edits: flip, insert, delete, duplicate a slice. */
export const mutated = (base: fc.Arbitrary<Uint8Array>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('flip', 'insert', 'delete', 'dup')), { minLength: 1, maxLength: 6 })).map(([bytes, edits]) => {
    const b = [...bytes];
    for (const [pos, val, op] of edits) {
      const i = b.length ? pos % b.length : 0;
      if (op === 'flip') b[i] = val;
      else if (op === 'insert') b.splice(i, 0, val);
      else if (op === 'delete') b.splice(i, 1);
      else b.splice(i, 0, ...b.slice(i, i + 16));
    }
    return Uint8Array.from(b);
  });

const enc = new TextEncoder();
export const jsonBody = fc.oneof(eventLike.map((e) => JSON.stringify(e)), fc.array(eventLike, { maxLength: 20 }).map((a) => JSON.stringify(a)));
export const ndjsonBody = fc.array(eventLike, { minLength: 1, maxLength: 30 }).map((a) => a.map((e) => JSON.stringify(e)).join('\n'));

export interface FuzzRequest {
  contentType: string;
  gzip: boolean;
  body: Uint8Array;
}

export const ingestRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  contentType: fc.constantFrom('application/json', 'application/x-ndjson', 'application/json; charset=utf-8', 'text/plain', ''),
  gzip: fc.boolean(),
  body: fc.oneof(
    { weight: 4, arbitrary: fc.oneof(jsonBody, ndjsonBody).map((s) => enc.encode(s)) },
    { weight: 3, arbitrary: mutated(fc.oneof(jsonBody, ndjsonBody).map((s) => enc.encode(s))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  ),
});

/** A stream client message: subscribe/ping with good or bad fields, or noise. */
export const streamMessage = fc.oneof(
  fc.record(
    {
      op: fc.oneof(fc.constantFrom('subscribe', 'ping', 'unsubscribe'), anyValue),
      tiers: fc.oneof(fc.constantFrom('critical', 'operational,analytical', '*'), nastyString, fc.array(nastyString, { maxLength: 70 }), anyValue),
      types: fc.oneof(fc.constantFrom('agent.*', '*', '*.*.*.*.*.*.*.*.*'), nastyString, fc.array(nastyString, { maxLength: 5 }), anyValue),
      agents: fc.oneof(nastyString, fc.array(nastyString, { maxLength: 5 })),
      traces: nastyString,
      dashboards: fc.oneof(fc.constantFrom('cost', 'reasoning,learning'), nastyString),
      since: fc.oneof(fc.nat(), nastyNumber, anyValue),
      projects: fc.constantFrom('proj-b', ['proj-b']),
    },
    { requiredKeys: ['op'] },
  ).map((m) => JSON.stringify(m)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  nastyString,
  fc.uint8Array({ maxLength: 64 }),
);
