/** Starts the built product (Bun binary or Node build) on a free port with a fresh data dir. */
import { readFileSync } from 'node:fs';
import { spawnAuren, type Spawned, type Target } from '../../helpers/binary.js';
import { tempDir } from '../../helpers/config.js';

export interface Product extends Spawned {
  target: Target;
  dataDir: string;
  /** Resident memory of the server process in KiB (Linux /proc). */
  rssKb(): number;
}

export interface ProductOptions {
  dataDir?: string;
  apiKeys?: string;
  args?: string[];
  env?: Record<string, string>;
}

export async function startProduct(target: Target, o: ProductOptions = {}): Promise<Product> {
  const dataDir = o.dataDir ?? tempDir('auren-hard-');
  const args = ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'none', ...(o.apiKeys ? ['--api-keys', o.apiKeys] : []), ...(o.args ?? [])];
  const s = await spawnAuren(target, args, o.env ?? {});
  return {
    ...s,
    target,
    dataDir,
    rssKb() {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    },
  };
}

/** Restarts on the same data dir (after a crash or a stop). */
export function restartProduct(p: Product, o: Omit<ProductOptions, 'dataDir'> = {}): Promise<Product> {
  return startProduct(p.target, { ...o, dataDir: p.dataDir });
}
