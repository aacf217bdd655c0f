/** Prices an LLM call from its model and token usage (see src/pricing for the implementation). */
import type { Usage } from './event.js';

export interface PriceResult {
  cost_usd: number;
}

export interface Pricer {
  /** USD for this call, or null when the model is unknown (never guessed). */
  price(model: string, usage: Usage, at: number): number | null;
}
