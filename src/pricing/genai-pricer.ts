/**
 * The ingest pricer: model name → USD from token usage, using price overrides first and the
 * genai-prices database second. Resolution is cached per model name, so the hot path is one Map
 * lookup and a few multiplications; unknown models price as null (counted as unpriced).
 */
import type { Usage } from '../core/event.js';
import type { Pricer } from '../core/pricer.js';
import { lookupModel, priceLibrary, type PricedModel } from './catalog.js';
import { costOf } from './price-sheet.js';
import { findOverride, loadPriceOverrides, type PriceOverrides } from './price-overrides.js';

/** Distinct model names remembered; senders inventing names cannot grow memory without bound. */
const CACHE_LIMIT = 10_000;

/** The price database loads this long after start unless a priced event needed it sooner. */
const WARM_AFTER_MS = 1000;

export class GenaiPricer implements Pricer {
  private readonly cache = new Map<string, PricedModel | null>();
  unpriced = 0;

  constructor(private readonly overrides?: PriceOverrides) {}

  price(model: string, usage: Usage, at: number): number | null {
    let m = this.cache.get(model);
    if (m === undefined) {
      m = this.resolve(model) ?? null;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(model, m);
    }
    const usd = m ? m.cost(usage, at) : null;
    if (usd === null) this.unpriced++;
    return usd;
  }

  /** Which price applies to a model name (for diagnostics and tests). */
  resolve(model: string): PricedModel | undefined {
    const name = model.trim().toLowerCase();
    if (this.overrides) {
      const slash = name.indexOf('/');
      const sheet = findOverride(this.overrides, name) ?? (slash > 0 ? findOverride(this.overrides, name.slice(slash + 1)) : undefined);
      if (sheet) return { provider: 'override', modelId: name, cost: (u) => costOf(sheet, u) };
    }
    return lookupModel(name);
  }
}

/**
 * Builds the pricer for a server: `pricesFile` is the `--prices` override file (validated now).
 * The price database is not loaded here, to keep it off the start-up path: it loads on the first
 * lookup or a second after start, whichever comes first (a broken install still fails loudly).
 */
export function createPricer(pricesFile: string | undefined): GenaiPricer {
  const pricer = new GenaiPricer(pricesFile ? loadPriceOverrides(pricesFile) : undefined);
  setTimeout(priceLibrary, WARM_AFTER_MS).unref?.();
  return pricer;
}
