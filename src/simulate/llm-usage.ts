/** Token usage for one simulated LLM call, following OpenTelemetry: input INCLUDES cache tokens. */
import { MODELS } from './catalog.js';
import type { Random } from './random.js';
import type { SimUsage } from './sim-event.js';

export function llmUsage(r: Random, modelKey: string, warmCache: boolean): { model: string; usage: SimUsage } {
  const p = MODELS[modelKey];
  const input = r.int(p.input[0], p.input[1]);
  const usage: SimUsage = { input_tokens: input, output_tokens: r.int(p.output[0], p.output[1]) };
  if (warmCache && p.cacheHit > 0 && r.chance(p.cacheHit)) {
    usage.cache_read_tokens = Math.floor(input * r.float(p.cacheShare[0], p.cacheShare[1]));
  } else if (p.cacheHit > 0 && r.chance(0.25)) {
    // A cold call that writes the prompt prefix to the cache for the next ones.
    usage.cache_write_tokens = Math.floor(input * r.float(0.2, 0.5));
  }
  if (p.reasoning) {
    // Reasoning tokens are billed as output and counted inside output_tokens (OpenAI's convention).
    usage.reasoning_tokens = r.int(p.reasoning[0], p.reasoning[1]);
    usage.output_tokens += usage.reasoning_tokens;
  }
  return { model: p.model, usage };
}
