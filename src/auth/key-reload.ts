/**
 * Reloads API keys from their sources (`--api-keys` and `--api-keys-file`) into a live KeyRing, e.g. on
 * SIGHUP. Open streams of keys that stay keep working; those of removed or narrowed keys are closed by
 * the ring's listeners (src/stream/key-binding.ts). A broken file keeps the old keys (auth never turns
 * off by reload).
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import { parseApiKeys, type KeyRing } from './api-keys.js';

export interface ReloadResult {
  ok: boolean;
  /** Number of keys now active (unchanged on failure). */
  keys: number;
  /** Why the reload was refused (never contains key material). */
  error?: string;
}

/** Reads and parses every key source; throws with a message that names the source, never a key. */
export function readKeys(config: Pick<Config, 'apiKeys' | 'apiKeysFile'>): ReturnType<typeof parseApiKeys> {
  const sources: string[] = [];
  if (config.apiKeys) sources.push(config.apiKeys);
  if (config.apiKeysFile) {
    try {
      sources.push(readFileSync(config.apiKeysFile, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read --api-keys-file ${config.apiKeysFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }
  return parseApiKeys(sources.join('\n'));
}

export function reloadKeys(ring: KeyRing, config: Pick<Config, 'apiKeys' | 'apiKeysFile'>, logger: Logger): ReloadResult {
  if (!ring.enabled) {
    const error = 'auth is off (the server started without keys); restart with --api-keys or --api-keys-file to turn it on';
    logger.warn('API keys not reloaded', { reason: error });
    return { ok: false, keys: 0, error };
  }
  try {
    const entries = readKeys(config);
    ring.replace(entries);
    logger.info('API keys reloaded', { keys: entries.length });
    return { ok: true, keys: entries.length };
  } catch (err) {
    const error = `${(err as Error).message}; the previous keys stay active`;
    logger.error('API keys not reloaded', { reason: error });
    return { ok: false, keys: ring.size, error };
  }
}
