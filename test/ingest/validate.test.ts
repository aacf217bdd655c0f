import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/ingest/validate.js';

const now = Date.UTC(2026, 10, 26, 12);
const ctx = { project: 'p', now, maxDataBytes: 1024 };

describe('validateEvent', () => {
  it('accepts a full contract event and keeps every field', () => {
    const v = validateEvent(
      {
        id: 'e1', ts: '2026-11-26T11:59:00.000Z', type: 'llm.call', tier: 'critical', agent_id: 'a', session_id: 's', trace_id: 't',
        span_id: 'sp', parent_span_id: 'pp', model: 'gpt-4o', usage: { input_tokens: 10, output_tokens: 5, cache_read_tokens: 4 },
        cost_usd: 0.5, confidence: 0.9, data: { text: 'hi' },
      },
      ctx,
    );
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.draft).toMatchObject({ id: 'e1', ts: now - 60_000, type: 'llm.call', project: 'p', agent_id: 'a', model: 'gpt-4o', cost_usd: 0.5, confidence: 0.9, data_json: '{"text":"hi"}' });
    expect(v.override).toBe('critical');
  });

  it('fills id (UUIDv7) and ts (time received) when absent', () => {
    const v = validateEvent({ type: 'agent.step' }, ctx);
    expect(v.ok && v.draft.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(v.ok && v.draft.ts).toBe(now);
  });

  it('takes epoch milliseconds for ts', () => {
    const v = validateEvent({ type: 'a.b', ts: now - 5 }, ctx);
    expect(v.ok && v.draft.ts).toBe(now - 5);
  });

  const rejections: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /JSON object/],
    ['null', null, /JSON object/],
    ['missing type', { id: 'x' }, /"type" is required/],
    ['uppercase type', { type: 'LLM.Call' }, /dotted lowercase/],
    ['type with spaces', { type: 'llm call' }, /dotted lowercase/],
    ['overlong type', { type: 'a'.repeat(129) }, /dotted lowercase/],
    ['unknown field', { type: 'a.b', foo: 1 }, /unknown field "foo"/],
    ['server field', { type: 'a.b', seq: 3 }, /set by the server/],
    ['project from client', { type: 'a.b', project: 'other' }, /set by the server/],
    ['id too long', { type: 'a.b', id: 'x'.repeat(129) }, /1 to 128/],
    ['id not a string', { type: 'a.b', id: 5 }, /must be a string/],
    ['header injection in id', { type: 'a.b', id: 'a\r\nSet-Cookie: x' }, /control characters/],
    ['NUL in agent_id', { type: 'a.b', agent_id: 'a\u0000b' }, /control characters/],
    ['bad tier', { type: 'a.b', tier: 'urgent' }, /"tier" must be one of/],
    ['ts garbage', { type: 'a.b', ts: 'yesterday' }, /RFC 3339/],
    ['ts without zone', { type: 'a.b', ts: '2026-11-26T10:00:00' }, /RFC 3339/],
    ['ts impossible date', { type: 'a.b', ts: '2026-13-45T10:00:00Z' }, /not a real date/],
    ['ts in seconds', { type: 'a.b', ts: 1_790_000_000 }, /before 2000/],
    ['ts fractional', { type: 'a.b', ts: 1.5 }, /whole epoch milliseconds/],
    ['ts far future', { type: 'a.b', ts: now + 2 * 86_400_000 }, /future/],
    ['negative tokens', { type: 'a.b', usage: { input_tokens: -1 } }, /non-negative integer/],
    ['fractional tokens', { type: 'a.b', usage: { output_tokens: 1.5 } }, /non-negative integer/],
    ['string tokens', { type: 'a.b', usage: { output_tokens: '5' } }, /non-negative integer/],
    ['unknown usage field', { type: 'a.b', usage: { prompt_tokens: 5 } }, /unknown usage field "prompt_tokens"/],
    ['cache above input', { type: 'a.b', usage: { input_tokens: 5, cache_read_tokens: 10 } }, /includes cache/],
    ['usage not object', { type: 'a.b', usage: 5 }, /object of token counts/],
    ['negative cost', { type: 'a.b', cost_usd: -1 }, /non-negative/],
    ['confidence above 1', { type: 'a.b', confidence: 1.2 }, /0 to 1/],
    ['confidence string', { type: 'a.b', confidence: 'high' }, /0 to 1/],
    ['data too large', { type: 'a.b', data: { s: 'x'.repeat(2000) } }, /over the limit of 1024/],
  ];
  it.each(rejections)('rejects %s with a message that names the problem', (_name, raw, message) => {
    const v = validateEvent(raw, ctx);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error).toMatch(message);
  });

  it('rejects deeply nested data without overflowing the stack', () => {
    let data: unknown = 1;
    for (let i = 0; i < 10_000; i++) data = [data];
    const v = validateEvent({ type: 'a.b', data }, { ...ctx, maxDataBytes: 1 << 20 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error).toMatch(/nested deeper than 64/);
  });

  it('keeps __proto__ keys as plain data, without touching prototypes', () => {
    const raw = JSON.parse('{"type":"a.b","data":{"__proto__":{"polluted":true},"x":1}}');
    const v = validateEvent(raw, ctx);
    expect(v.ok && v.draft.data_json).toBe('{"__proto__":{"polluted":true},"x":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
