/**
 * Token usage from the GenAI semantic conventions, their deprecated names, OpenLLMetry's and
 * OpenInference's, to the contract's usage where input_tokens INCLUDES cache reads and writes.
 *
 * How each dialect counts input:
 * - OTel GenAI (`gen_ai.usage.input_tokens`): includes cached tokens (the conventions say so).
 * - OpenInference (`llm.token_count.prompt`): the total prompt, cache details are a breakdown.
 * - Anthropic's own API reports input without cache tokens, and some instrumentations copy that
 *   number as is. When input is smaller than cache reads + writes it cannot include them, so they
 *   are added (and the event says so in data.usage_note). When it is larger we cannot tell and
 *   follow the OTel rule.
 */
import type { Usage } from '../core/event.js';

const INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'];
const OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'llm.usage.completion_tokens'];
const CACHE_READ = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.cached_tokens',
  'llm.token_count.prompt_details.cache_read',
];
const CACHE_WRITE = ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'llm.token_count.prompt_details.cache_write'];
const REASONING = ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning'];
const TOTAL = ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens', 'llm.token_count.total'];

export interface MappedUsage {
  usage: Usage | undefined;
  note?: string;
}

export function mapUsage(attrs: Record<string, unknown>): MappedUsage {
  let input = first(attrs, INPUT);
  const output = first(attrs, OUTPUT);
  const cacheRead = first(attrs, CACHE_READ);
  const cacheWrite = first(attrs, CACHE_WRITE);
  const reasoning = first(attrs, REASONING);
  let note: string | undefined;
  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (input === undefined && output !== undefined) {
    // Only a total and an output: the rest is input (a few instrumentations report it that way).
    const total = first(attrs, TOTAL);
    if (total !== undefined && total >= output) input = total - output;
  }
  if (cached > 0 && (input === undefined || input < cached)) {
    note = input === undefined ? 'input_tokens was absent; set to the cache tokens' : `input_tokens (${input}) did not include cache tokens; added ${cached}`;
    input = (input ?? 0) + cached;
  }
  const usage: Usage = {};
  if (input !== undefined) usage.input_tokens = input;
  if (output !== undefined) usage.output_tokens = output;
  if (cacheRead !== undefined) usage.cache_read_tokens = cacheRead;
  if (cacheWrite !== undefined) usage.cache_write_tokens = cacheWrite;
  if (reasoning !== undefined) usage.reasoning_tokens = reasoning;
  return { usage: Object.keys(usage).length ? usage : undefined, note };
}

function first(attrs: Record<string, unknown>, keys: string[]): number | undefined {
  for (const k of keys) {
    const v = attrs[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isSafeInteger(n) && n >= 0) return n;
  }
  return undefined;
}
