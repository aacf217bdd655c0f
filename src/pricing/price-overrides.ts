/**
 * Price overrides for private or custom models, from the `--prices` JSON file:
 *
 *   { "models": { "acme-llm-7b": { "input_mtok": 0.4, "output_mtok": 1.2, "cache_read_mtok": 0.1 },
 *                 "acme/*":      { "input_mtok": 1, "output_mtok": 3 } } }
 *
 * Prices are USD per million tokens (`requests_kcount`: per thousand calls). Names match without
 * regard to case; a trailing `*` matches a prefix (the longest wins). Overrides beat the database.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.js';
import { SHEET_KEYS, type PriceSheet } from './price-sheet.js';

export interface PriceOverrides {
  exact: Map<string, PriceSheet>;
  /** Prefix patterns, longest first. */
  prefixes: { prefix: string; sheet: PriceSheet }[];
}

/** A bad override file stops the server at start with a message naming the flag (exit code 2). */
export class PriceFileError extends ConfigError {}

export function loadPriceOverrides(path: string): PriceOverrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PriceFileError(`--prices / AUREN_PRICES: cannot read "${path}": ${(err as Error).message}`, { cause: err });
  }
  try {
    return parsePriceOverrides(text);
  } catch (err) {
    throw new PriceFileError(`--prices / AUREN_PRICES: "${path}": ${(err as Error).message}`, { cause: err });
  }
}

export function parsePriceOverrides(text: string): PriceOverrides {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!isObject(doc)) throw new Error('must be a JSON object like {"models": {"my-model": {"input_mtok": 1, "output_mtok": 2}}}');
  for (const k of Object.keys(doc)) if (k !== 'models') throw new Error(`unknown top-level key "${k.slice(0, 40)}"; only "models" is allowed`);
  const models = doc.models;
  if (!isObject(models)) throw new Error('"models" must be an object of model name → prices');
  const out: PriceOverrides = { exact: new Map(), prefixes: [] };
  for (const [name, prices] of Object.entries(models)) {
    const where = `models["${name.slice(0, 80)}"]`;
    const key = name.trim().toLowerCase();
    if (key === '' || key === '*') throw new Error(`${where}: the model name must not be empty or a bare "*"`);
    if (key.indexOf('*') !== -1 && key.indexOf('*') !== key.length - 1) throw new Error(`${where}: "*" is only allowed at the end (a prefix match)`);
    const sheet = parseSheet(prices, where);
    if (key.endsWith('*')) out.prefixes.push({ prefix: key.slice(0, -1), sheet });
    else out.exact.set(key, sheet);
  }
  out.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return out;
}

function parseSheet(v: unknown, where: string): PriceSheet {
  if (!isObject(v)) throw new Error(`${where} must be an object of prices, e.g. {"input_mtok": 1, "output_mtok": 2}`);
  const sheet: PriceSheet = {};
  for (const [k, p] of Object.entries(v)) {
    if (!(SHEET_KEYS as readonly string[]).includes(k)) throw new Error(`${where}: unknown price "${k.slice(0, 40)}"; use ${SHEET_KEYS.join(', ')}`);
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1e6) {
      throw new Error(`${where}.${k} must be a non-negative number of USD (per million tokens; requests_kcount per thousand calls)`);
    }
    sheet[k as keyof PriceSheet] = p;
  }
  if (Object.keys(sheet).length === 0) throw new Error(`${where} has no prices; give at least input_mtok or output_mtok`);
  return sheet;
}

export function findOverride(o: PriceOverrides, name: string): PriceSheet | undefined {
  const exact = o.exact.get(name);
  if (exact) return exact;
  for (const p of o.prefixes) if (name.startsWith(p.prefix)) return p.sheet;
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
