/**
 * A model's per-unit prices and the arithmetic that turns token usage into USD, following the
 * OpenTelemetry rule that `input_tokens` INCLUDES cache reads and writes: those are carved out of
 * the input count and charged at their own rates, never twice.
 */
import type { Usage } from '../core/event.js';

/** A price per million tokens (or per thousand requests), flat or tiered by total input size. */
export type UnitPrice = number | { base: number; tiers: { start: number; price: number }[] };

/** The price keys we can charge from the usage fields events carry (genai-prices names). */
export interface PriceSheet {
  input_mtok?: UnitPrice;
  output_mtok?: UnitPrice;
  cache_read_mtok?: UnitPrice;
  cache_write_mtok?: UnitPrice;
  output_reasoning_mtok?: UnitPrice;
  requests_kcount?: UnitPrice;
}

export const SHEET_KEYS = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok', 'output_reasoning_mtok', 'requests_kcount'] as const;

/** Above this many tokens in one call the usage is a sender bug, not a bill: it stays unpriced. */
export const MAX_PLAUSIBLE_TOKENS = 1e10;

function rate(p: UnitPrice | undefined, inputTotal: number): number {
  if (p === undefined) return 0;
  if (typeof p === 'number') return p;
  // genai-prices: the tier whose start the total input exceeds applies to every token of the call.
  let r = p.base;
  for (const t of p.tiers) if (inputTotal > t.start) r = t.price;
  return r;
}

/**
 * USD for one call, or null when the usage cannot be priced (cache tokens above the input they are
 * part of, reasoning above output, or implausibly large counts).
 */
export function costOf(sheet: PriceSheet, u: Usage): number | null {
  const input = u.input_tokens ?? 0;
  const output = u.output_tokens ?? 0;
  const cacheRead = u.cache_read_tokens ?? 0;
  const cacheWrite = u.cache_write_tokens ?? 0;
  const reasoning = u.reasoning_tokens ?? 0;
  if (input > MAX_PLAUSIBLE_TOKENS || output > MAX_PLAUSIBLE_TOKENS || cacheRead > MAX_PLAUSIBLE_TOKENS || cacheWrite > MAX_PLAUSIBLE_TOKENS) return null;
  // A cache kind with no price of its own is charged as plain input (it is part of input_tokens).
  const readPriced = sheet.cache_read_mtok !== undefined;
  const writePriced = sheet.cache_write_mtok !== undefined;
  const plainInput = input - (readPriced ? cacheRead : 0) - (writePriced ? cacheWrite : 0);
  const reasoningPriced = sheet.output_reasoning_mtok !== undefined;
  const plainOutput = output - (reasoningPriced ? reasoning : 0);
  if (plainInput < 0 || plainOutput < 0) return null;
  let usd =
    plainInput * rate(sheet.input_mtok, input) +
    (readPriced ? cacheRead * rate(sheet.cache_read_mtok, input) : 0) +
    (writePriced ? cacheWrite * rate(sheet.cache_write_mtok, input) : 0) +
    plainOutput * rate(sheet.output_mtok, input) +
    (reasoningPriced ? reasoning * rate(sheet.output_reasoning_mtok, input) : 0);
  usd /= 1e6;
  if (sheet.requests_kcount !== undefined) usd += rate(sheet.requests_kcount, input) / 1000;
  return usd;
}
