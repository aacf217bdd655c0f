/**
 * Looks a model name up in the maintained price database (@pydantic/genai-prices): plain names
 * (`gpt-4o`), dated names (`gpt-4o-2024-08-06`) and provider-prefixed names (`openai/gpt-4o`).
 * Unknown names resolve to undefined: we never guess a price.
 */
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices';
import type { Usage } from '../core/event.js';
import { costOf, MAX_PLAUSIBLE_TOKENS, SHEET_KEYS, type PriceSheet, type UnitPrice } from './price-sheet.js';

let library: typeof GenaiPrices | undefined;

/**
 * The price database, loaded at its first use rather than at start: evaluating it builds indexes
 * over ~1,500 models (about 6 ms on Bun, a large share of the server's start-up). A synchronous
 * require keeps lookups synchronous on the ingest path (the package ships a CommonJS build, the
 * same data as its ESM one); bundlers inline it like an import.
 */
export function priceLibrary(): typeof GenaiPrices {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  library ??= require('@pydantic/genai-prices') as typeof GenaiPrices;
  return library;
}

export interface PricedModel {
  /** Where the price comes from: a genai-prices provider id, or `override`. */
  provider: string;
  modelId: string;
  /** USD for one call at time `at` (epoch ms), or null when the usage cannot be priced. */
  cost(usage: Usage, at: number): number | null;
}

const PROBE = { input_tokens: 1000, output_tokens: 1000 };

export function lookupModel(name: string): PricedModel | undefined {
  const n = name.trim().toLowerCase();
  const slash = n.indexOf('/');
  let found: ReturnType<typeof GenaiPrices.calcPrice> | undefined;
  let asked = n;
  if (slash > 0 && priceLibrary().findProvider({ providerId: n.slice(0, slash) })) {
    asked = n.slice(slash + 1);
    found = safeCalc(asked, n.slice(0, slash));
  }
  if (!found) {
    // Names such as `meta-llama/llama-3-70b` carry a slash without a provider prefix.
    asked = n;
    found = safeCalc(n, undefined);
  }
  if (!found) return undefined;
  return { provider: found.provider.id, modelId: found.model.id, cost: costFunction(found.provider, found.model, asked) };
}

function safeCalc(model: string, providerId: string | undefined): ReturnType<typeof GenaiPrices.calcPrice> | undefined {
  try {
    return priceLibrary().calcPrice(PROBE, model, providerId ? { providerId } : undefined) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Flat and dated prices are computed here from the cached sheet (the library's own path costs
 * ~25 µs a call, too slow for the ingest hot path); the few time-of-day prices go through the library.
 */
function costFunction(provider: Provider, model: ModelInfo, asked: string): PricedModel['cost'] {
  if (!Array.isArray(model.prices)) {
    const sheet = toSheet(model.prices);
    return (u) => costOf(sheet, u);
  }
  const periods = model.prices;
  if (periods.some((p) => p.constraint?.type === 'time_of_date')) return libraryCost({ ...provider, models: [model] }, asked);
  const sheets = periods.map((p) => toSheet(p.prices));
  const starts = periods.map((p) => (p.constraint?.type === 'start_date' ? Date.parse(p.constraint.start_date) : undefined));
  return (u, at) => {
    // Mirrors genai-prices: the latest period whose start has passed, else the first.
    for (let i = periods.length - 1; i >= 0; i--) {
      const s = starts[i];
      if (s === undefined || at >= s) return costOf(sheets[i], u);
    }
    return costOf(sheets[0], u);
  };
}

function libraryCost(provider: Provider, asked: string): PricedModel['cost'] {
  return (u, at) => {
    if (Object.values(u).some((v) => v !== undefined && v > MAX_PLAUSIBLE_TOKENS)) return null;
    try {
      const r = priceLibrary().calcPrice(libraryUsage(u), asked, { provider, timestamp: new Date(at) });
      return r ? r.total_price : null;
    } catch {
      return null;
    }
  };
}

/** Our usage fields in genai-prices' names (reasoning tokens are part of output, like cache of input). */
export function libraryUsage(u: Usage): Record<string, number> {
  const out: Record<string, number> = {};
  if (u.input_tokens !== undefined) out.input_tokens = u.input_tokens;
  if (u.output_tokens !== undefined) out.output_tokens = u.output_tokens;
  if (u.cache_read_tokens !== undefined) out.cache_read_tokens = u.cache_read_tokens;
  if (u.cache_write_tokens !== undefined) out.cache_write_tokens = u.cache_write_tokens;
  if (u.reasoning_tokens !== undefined) out.output_reasoning_tokens = u.reasoning_tokens;
  return out;
}

/** Keeps the price keys token usage can reach; other units (audio, images, searches) are zero for us. */
function toSheet(p: ModelPrice): PriceSheet {
  const sheet: PriceSheet = {};
  for (const k of SHEET_KEYS) {
    const v = p[k];
    if (v === undefined) continue;
    sheet[k] = typeof v === 'number' ? v : ({ base: v.base, tiers: [...v.tiers].sort((a, b) => a.start - b.start) } satisfies UnitPrice);
  }
  return sheet;
}
