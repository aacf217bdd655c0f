/** The wire JSON of an event is what JSON.stringify would make of it, whatever text its fields hold. */
import { describe, expect, it } from 'vitest';
import { eventToJson, quote, type StoredEvent } from '../../src/core/event.js';
import { validateEvent } from '../../src/ingest/validate.js';

const TRICKY = ['plain', '', 'a"b', 'a\\b', 'line\nbreak', '\u0000', '\u001f', ' ', 'é€😀', '\ud83d', 'x\ude00', '\u2028\u2029', '\u007f', '</script>'];

describe('event wire JSON', () => {
  it('quotes every string as JSON.stringify does (plain text fast, the rest escaped)', () => {
    for (const s of TRICKY) expect(quote(s), JSON.stringify(s)).toBe(JSON.stringify(s));
    for (let i = 0; i < 20_000; i++) {
      const s = String.fromCharCode(...Array.from({ length: 4 }, () => Math.floor(Math.random() * 0x10000)));
      expect(quote(s)).toBe(JSON.stringify(s));
    }
  });

  it('parses back to the event, with every optional field and odd text in ids', () => {
    for (const text of TRICKY) {
      const e: StoredEvent = {
        seq: 7, id: `id-${text}`, ts: Date.UTC(2026, 10, 27), received_at: Date.UTC(2026, 10, 27, 1), project: `p${text}`, tier: 'critical', type: 'llm.call',
        agent_id: text || 'a', session_id: 's', trace_id: 't', span_id: 'sp', parent_span_id: 'pp', model: `m${text}`,
        usage: { input_tokens: 10, cache_read_tokens: 0, output_tokens: Number.MAX_SAFE_INTEGER }, cost_usd: null, confidence: 0.25, data_json: JSON.stringify({ text }),
      };
      const parsed = JSON.parse(eventToJson(e));
      expect(parsed).toEqual({
        seq: 7, id: e.id, ts: '2026-11-27T00:00:00.000Z', received_at: '2026-11-27T01:00:00.000Z', project: e.project, tier: 'critical', type: 'llm.call',
        agent_id: e.agent_id, session_id: 's', trace_id: 't', span_id: 'sp', parent_span_id: 'pp', model: e.model,
        usage: e.usage, cost_usd: null, confidence: 0.25, data: { text },
      });
      // Always in USAGE_FIELDS order, as events read back from the store have always been.
      expect(Object.keys(parsed.usage)).toEqual(['input_tokens', 'output_tokens', 'cache_read_tokens']);
    }
  });

  it('puts texts validation found plain between quotes as they are, and escapes every other valid text', () => {
    const now = Date.UTC(2026, 10, 27);
    const texts = [...TRICKY, 'abc-123_XYZ:./@', '"', '\\', 'ü', '\u2028', "'", '`~!#$%^&*()[]{}|;<>?='];
    for (let i = 0; i < 5_000; i++) texts.push(String.fromCharCode(...Array.from({ length: 3 }, () => 0x20 + Math.floor(Math.random() * 0x60))));
    let plain = 0;
    let escaped = 0;
    for (const text of texts) {
      const raw = { type: 'agent.step', id: text, agent_id: text, session_id: text, trace_id: text, span_id: text, parent_span_id: text, model: text };
      const v = validateEvent(raw, { project: 'p', now, maxDataBytes: 1024 });
      if (!v.ok) continue; // empty, control characters, lone surrogates: refused, nothing to send
      if (v.draft.jsonPlain) plain++;
      else escaped++;
      const parsed = JSON.parse(eventToJson({ ...v.draft, seq: 1 }));
      for (const f of ['id', 'agent_id', 'session_id', 'trace_id', 'span_id', 'parent_span_id', 'model']) expect(parsed[f], JSON.stringify(text)).toBe(text);
    }
    expect(plain).toBeGreaterThan(1000);
    expect(escaped).toBeGreaterThan(100);
    const mixed = validateEvent({ type: 'agent.step', agent_id: 'plain', model: 'say "hi"' }, { project: 'p', now, maxDataBytes: 1024 });
    expect(mixed.ok && mixed.draft.jsonPlain).toBeFalsy();
  });
});
