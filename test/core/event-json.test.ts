/** The wire JSON of an event is what JSON.stringify would make of it, whatever text its fields hold. */
import { describe, expect, it } from 'vitest';
import { eventToJson, quote, type StoredEvent } from '../../src/core/event.js';

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
      expect(Object.keys(parsed.usage)).toEqual(['input_tokens', 'cache_read_tokens', 'output_tokens']);
    }
  });
});
