import { calcPrice, waitForUpdate } from '@pydantic/genai-prices';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { libraryUsage } from '../../src/pricing/catalog.js';
import { createPricer, GenaiPricer } from '../../src/pricing/genai-pricer.js';
import { PriceFileError } from '../../src/pricing/price-overrides.js';

const NOW = Date.UTC(2026, 0, 15);

describe('pricing from the genai-prices database', () => {
  const p = new GenaiPricer();

  it('prices gpt-4o exactly: $2.50/M input, $1.25/M cache read, $10/M output, cache inside input', () => {
    // 1M input of which 400k are cache reads: 600k × 2.50 + 400k × 1.25 = 2.00; 1M output × 10 = 10.
    expect(p.price('gpt-4o', { input_tokens: 1_000_000, cache_read_tokens: 400_000, output_tokens: 1_000_000 }, NOW)).toBeCloseTo(12, 12);
    expect(p.price('gpt-4o', { input_tokens: 1000, output_tokens: 500 }, NOW)).toBeCloseTo(0.0075, 15);
    // All input cached: only the cache rate applies, never input + cache.
    expect(p.price('gpt-4o', { input_tokens: 2000, cache_read_tokens: 2000 }, NOW)).toBeCloseTo(0.0025, 15);
  });

  it('resolves provider-prefixed, dated and differently cased names', () => {
    const u = { input_tokens: 1_000_000, output_tokens: 1_000_000 };
    for (const name of ['openai/gpt-4o', 'gpt-4o-2024-08-06', 'GPT-4o', ' gpt-4o ']) expect(p.price(name, u, NOW), name).toBeCloseTo(12.5, 12);
    expect(p.resolve('anthropic/claude-3-5-sonnet-20241022')?.provider).toBe('anthropic');
    expect(p.resolve('openai/gpt-4o')?.modelId).toBe('gpt-4o');
  });

  it('prices cache writes at their own rate (Anthropic)', () => {
    // claude-3-5-sonnet: input 3, cache write 3.75, cache read 0.30, output 15 per M.
    const usd = p.price('claude-3-5-sonnet-20241022', { input_tokens: 1_000_000, cache_write_tokens: 200_000, cache_read_tokens: 300_000, output_tokens: 0 }, NOW);
    expect(usd).toBeCloseTo((500_000 * 3 + 200_000 * 3.75 + 300_000 * 0.3) / 1e6, 12);
  });

  it('returns null for unknown models and unknown provider prefixes, never a guess', () => {
    expect(p.price('acme-secret-model', { input_tokens: 10 }, NOW)).toBeNull();
    expect(p.price('nosuchprovider/acme', { input_tokens: 10 }, NOW)).toBeNull();
    expect(p.unpriced).toBe(2);
  });

  it('leaves absurd token counts unpriced instead of billing billions', () => {
    expect(p.price('gpt-4o', { input_tokens: Number.MAX_SAFE_INTEGER, output_tokens: 1 }, NOW)).toBeNull();
    expect(p.price('gpt-4o', { input_tokens: 5, cache_read_tokens: 10 }, NOW)).toBeNull();
  });

  it('resolves each model name once (cached for the ingest hot path)', () => {
    const q = new GenaiPricer();
    const spy = vi.spyOn(q, 'resolve');
    for (let i = 0; i < 1000; i++) q.price('gpt-4o-mini', { input_tokens: i, output_tokens: i }, NOW);
    for (let i = 0; i < 10; i++) q.price('unknown-model', { input_tokens: i }, NOW);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('agrees with genai-prices calcPrice on every model of the database', async () => {
    const providers = (await waitForUpdate()) ?? [];
    const usages = [
      { input_tokens: 1234, output_tokens: 567 },
      { input_tokens: 300_000, cache_read_tokens: 120_000, output_tokens: 4000 },
      { input_tokens: 50_000, cache_read_tokens: 10_000, cache_write_tokens: 5000, output_tokens: 900, reasoning_tokens: 300 },
    ];
    let compared = 0;
    const mismatches: string[] = [];
    for (const prov of providers) {
      for (const model of prov.models) {
        for (const u of usages) {
          let want: number | null;
          try {
            want = calcPrice(libraryUsage(u), model.id, { providerId: prov.id, timestamp: new Date(NOW) })?.total_price ?? null;
          } catch {
            want = null;
          }
          const got = p.price(`${prov.id}/${model.id}`, u, NOW);
          compared++;
          const ok = want === null ? got === null : got !== null && Math.abs(got - want) <= 1e-9 * Math.max(1, want);
          if (!ok) mismatches.push(`${prov.id}/${model.id} ${JSON.stringify(u)}: library ${want}, ours ${got}`);
        }
      }
    }
    expect(compared).toBeGreaterThan(3000);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});

describe('price overrides (--prices file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auren-prices-'));
  const file = (name: string, body: string) => {
    const f = join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  it('prices private models and beats the database, with prefix patterns', () => {
    const p = createPricer(file('ok.json', JSON.stringify({
      models: {
        'acme-llm-7b': { input_mtok: 1, output_mtok: 2, cache_read_mtok: 0.5 },
        'acme/*': { input_mtok: 10, output_mtok: 20 },
        'acme/large-*': { input_mtok: 100, output_mtok: 200 },
        'gpt-4o': { input_mtok: 1, output_mtok: 1, requests_kcount: 1 },
      },
    })));
    expect(p.price('ACME-LLM-7B', { input_tokens: 1_000_000, cache_read_tokens: 500_000, output_tokens: 1_000_000 }, NOW)).toBeCloseTo(0.5 + 0.25 + 2, 12);
    expect(p.price('acme/small', { input_tokens: 1_000_000 }, NOW)).toBeCloseTo(10, 12);
    expect(p.price('acme/large-v2', { input_tokens: 1_000_000 }, NOW)).toBeCloseTo(100, 12);
    expect(p.price('openai/gpt-4o', { input_tokens: 1_000_000 }, NOW)).toBeCloseTo(1.001, 12);
    expect(p.resolve('gpt-4o')?.provider).toBe('override');
    expect(p.price('gpt-4o-mini', { input_tokens: 1_000_000 }, NOW)).toBeCloseTo(0.15, 12);
  });

  it.each([
    ['missing file', undefined, /cannot read/],
    ['bad JSON', '{"models": ', /not valid JSON/],
    ['not an object', '[1,2]', /must be a JSON object/],
    ['unknown top-level key', '{"model": {}}', /unknown top-level key "model"/],
    ['negative price', '{"models": {"x": {"input_mtok": -1}}}', /models\["x"\]\.input_mtok must be a non-negative number/],
    ['string price', '{"models": {"x": {"input_mtok": "1"}}}', /input_mtok must be a non-negative number/],
    ['unknown price key', '{"models": {"x": {"input_per_token": 1}}}', /unknown price "input_per_token"/],
    ['empty prices', '{"models": {"x": {}}}', /has no prices/],
    ['star in the middle', '{"models": {"a*b": {"input_mtok": 1}}}', /only allowed at the end/],
  ])('rejects a %s with a message naming the flag and the problem', (_name, body, re) => {
    const f = body === undefined ? join(dir, 'nope.json') : file(`bad-${Math.random()}.json`, body);
    let err: unknown;
    try {
      createPricer(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PriceFileError);
    expect((err as Error).message).toMatch(/^--prices \/ AUREN_PRICES/);
    expect((err as Error).message).toMatch(re);
  });
});
