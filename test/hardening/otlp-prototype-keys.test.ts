/**
 * OTLP attribute values that are names of Object.prototype members (`constructor`, `__proto__`,
 * `toString`) in the attributes that pick the event type must not reach a plain-object lookup: the
 * span becomes an ordinary event (200), never a 500. Found by the long fuzz run. Both builds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct, type Product } from './support/product.js';

const ATTRS = ['gen_ai.operation.name', 'traceloop.span.kind', 'llm.request.type', 'openinference.span.kind'];
const VALUES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'CONSTRUCTOR'];

describe.each(TARGETS)('OTLP prototype-named attribute values (%s)', (target) => {
  let p: Product;
  beforeAll(async () => {
    p = await startProduct(target);
  });
  afterAll(async () => {
    await p.kill9();
  });

  it.each(ATTRS.flatMap((a) => VALUES.map((v) => [a, v])))('%s = %s', async (key, value) => {
    const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'x', startTimeUnixNano: `${Date.now()}000000`, attributes: [{ key, value: { stringValue: value } }], status: { code: 2 } };
    const r = await fetch(`${p.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }) });
    expect(r.status, await r.text()).toBe(200);
  });
});
