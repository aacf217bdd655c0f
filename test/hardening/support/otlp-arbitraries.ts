/**
 * fast-check arbitraries for OTLP/HTTP trace exports: GenAI-shaped spans with hostile attribute values
 * and ids, as JSON or protobuf, sometimes mutated at the byte level.
 */
import fc from 'fast-check';
import { otlpTypes } from '../../../src/otlp/otlp-schema.js';
import { mutated, nastyString, type FuzzRequest } from './fuzz-arbitraries.js';

const KEYS = [
  'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.agent.name', 'gen_ai.conversation.id',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cost',
  'llm.model_name', 'openinference.span.kind', 'session.id', 'error.type', 'gen_ai.tool.name',
];

type AnyValue = Record<string, unknown>;
const { anyValue } = fc.letrec<{ anyValue: AnyValue }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString.map((stringValue) => ({ stringValue })),
    fc.oneof(fc.integer(), fc.constantFrom('9223372036854775807', '-1', '1e400', 'x')).map((intValue) => ({ intValue })),
    fc.double().map((doubleValue) => ({ doubleValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    fc.array(tie('anyValue'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc.array(fc.record({ key: nastyString, value: tie('anyValue') }), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
  ),
}));

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const nanos = fc.oneof(fc.bigInt({ min: 0n, max: BigInt(Date.now() + 3_600_000) * 1_000_000n }).map(String), fc.constantFrom('0', '-5', 'abc', '1e30'));

const span = fc.record(
  {
    traceId: fc.oneof(hex(16), nastyString),
    spanId: fc.oneof(hex(8), nastyString),
    parentSpanId: fc.oneof(hex(8), fc.constant('')),
    name: nastyString,
    kind: fc.integer({ min: -1, max: 6 }),
    startTimeUnixNano: nanos,
    endTimeUnixNano: nanos,
    attributes: fc.array(fc.record({ key: fc.oneof(fc.constantFrom(...KEYS), nastyString), value: anyValue }), { maxLength: 8 }),
    status: fc.record({ code: fc.integer({ min: 0, max: 3 }), message: nastyString }, { requiredKeys: [] }),
  },
  { requiredKeys: ['traceId', 'spanId', 'name'] },
);

export const otlpJson = fc
  .array(fc.record({ resource: fc.record({ attributes: fc.array(fc.record({ key: nastyString, value: anyValue }), { maxLength: 3 }) }), scopeSpans: fc.array(fc.record({ spans: fc.array(span, { maxLength: 6 }) }), { maxLength: 2 }) }), { maxLength: 2 })
  .map((resourceSpans) => ({ resourceSpans }));

/** The same structure as protobuf bytes (ids as bytes); bodies the encoder cannot take become JSON. */
function toProtobuf(req: { resourceSpans: unknown[] }): Uint8Array | undefined {
  try {
    const t = otlpTypes().request;
    const obj = JSON.parse(JSON.stringify(req), (k, v) => ((k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string' && /^[0-9a-f]*$/.test(v) ? Buffer.from(v, 'hex') : v));
    return t.encode(t.fromObject(obj)).finish();
  } catch {
    return undefined;
  }
}

const enc = new TextEncoder();
export const otlpRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  fc.record({ contentType: fc.constant('application/json'), gzip: fc.boolean(), body: otlpJson.map((r) => enc.encode(JSON.stringify(r))) }),
  fc.record({ contentType: fc.constant('application/json'), gzip: fc.constant(false), body: mutated(otlpJson.map((r) => enc.encode(JSON.stringify(r)))) }),
  otlpJson.map((r) => ({ contentType: 'application/x-protobuf', gzip: false, body: toProtobuf(r) ?? enc.encode(JSON.stringify(r)) })),
  mutated(otlpJson.map((r) => toProtobuf(r) ?? new Uint8Array())).map((body) => ({ contentType: 'application/x-protobuf', gzip: false, body })),
);
