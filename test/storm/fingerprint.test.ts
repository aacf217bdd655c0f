import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalData, fingerprinter } from '../../src/storm/fingerprint.js';
import { ev } from './helpers.js';

const VOLATILE = ['ts', 'timestamp', 'id', 'request_id', 'duration_ms'];
const fp = fingerprinter(VOLATILE);
const canon = canonicalData(VOLATILE);

/** What canonicalData must equal: parse, delete the top-level volatile keys, stringify. */
function reference(json: string): string {
  const v = JSON.parse(json) as unknown;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return json;
  const o = { ...(v as Record<string, unknown>) };
  for (const k of VOLATILE) delete o[k];
  return JSON.stringify(o);
}

describe('fingerprint', () => {
  it('ignores volatile top-level data keys, ids and times', () => {
    const a = ev({ data: { message: 'refused', request_id: 'r1', duration_ms: 12, ts: 1 }, trace_id: 't1', span_id: 's1' });
    const b = ev({ data: { message: 'refused', request_id: 'r2', duration_ms: 99, ts: 2 }, trace_id: 't2', span_id: 's2' });
    expect(fp(a)).toBe(fp(b));
  });

  it('tells apart project, type, agent, session, model, usage, confidence and data', () => {
    const base = { data: { message: 'refused' } };
    const keys = new Set([
      fp(ev(base)),
      fp(ev({ ...base, project: 'other' })),
      fp(ev({ ...base, type: 'tool.failed' })),
      fp(ev({ ...base, agent_id: 'other' })),
      fp(ev({ ...base, session_id: 's' })),
      fp(ev({ ...base, model: 'gpt-4o' })),
      fp(ev({ ...base, usage: { input_tokens: 1 } })),
      fp(ev({ ...base, confidence: 0.5 })),
      fp(ev({ data: { message: 'timeout' } })),
      fp(ev({ data: { message: 'refused', nested: { request_id: 'kept: only top-level keys are volatile' } } })),
      fp(ev({})),
    ]);
    expect(keys.size).toBe(11);
  });

  it('tells apart long data that differs in one character (hashed, not truncated)', () => {
    const long = 'x'.repeat(5000);
    expect(fp(ev({ data: { text: long + 'a' } }))).not.toBe(fp(ev({ data: { text: long + 'b' } })));
  });

  it('is not fooled by volatile-looking text inside strings or nested objects', () => {
    const tricky = [
      { msg: '{"id":1,"ts":2}', id: 5 },
      { 'a"ts': 1, ts: 2 },
      { x: { id: 1, y: [{ ts: 3 }] }, request_id: 'r' },
      { 'weird\\': '\\', id: '"', duration_ms: -1.5e-7 },
      { id: { deep: [1, { ts: '}' }] }, keep: '],}' },
    ];
    for (const t of tricky) expect(canon(JSON.stringify(t))).toBe(reference(JSON.stringify(t)));
  });

  it('strips exactly what parse-and-delete would, for any JSON data', () => {
    const key = fc.oneof(fc.constantFrom(...VOLATILE, 'message', 'a"b', 'x\\', 'idx', 'ts2'), fc.string({ maxLength: 6 }));
    const data = fc.oneof(fc.jsonValue(), fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }));
    fc.assert(
      fc.property(data, (d) => {
        const json = JSON.stringify(d);
        expect(canon(json)).toBe(reference(json));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives equal fingerprints exactly when the data is equal without its volatile keys, short or long', () => {
    const long = 'a long value that pushes the data past the verbatim limit of the key';
    const key = fc.constantFrom('a', 'b', 'msg', ...VOLATILE);
    const value = fc.oneof(fc.constantFrom(1, 'x', long, null), fc.jsonValue({ maxDepth: 2 }));
    const data = fc.oneof(fc.dictionary(key, value, { maxKeys: 5 }), fc.constantFrom(long, 7, [long]));
    fc.assert(
      fc.property(data, data, (d1, d2) => {
        const [j1, j2] = [JSON.stringify(d1), JSON.stringify(d2)];
        expect(fp(ev({ data: d1 })) === fp(ev({ data: d2 }))).toBe(reference(j1) === reference(j2));
      }),
      { numRuns: 3000 },
    );
    // The same long data with and without volatile keys, whichever path hashes it.
    expect(fp(ev({ data: { msg: long, request_id: 'r1' } }))).toBe(fp(ev({ data: { msg: long } })));
    expect(fp(ev({ data: { id: 1, msg: long, ts: 2 } }))).toBe(fp(ev({ data: { msg: long, duration_ms: 3 } })));
  });

  it('leaves data alone when no key is volatile', () => {
    const none = canonicalData([]);
    expect(none('{"id":1}')).toBe('{"id":1}');
  });
});
