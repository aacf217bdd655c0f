/**
 * The local-folder target. Each object is written to a temporary file in `<root>/.incoming`, synced,
 * then renamed into place, so a reader (or a crash) never sees half a Parquet file.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { access, constants, mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArchiveTargetError, type ObjectInfo, type ObjectTarget } from './object-target.js';

const INCOMING = '.incoming';
/** A temporary file this old was left by a crashed writer (its segment is redone on restart). */
const STALE_MS = 3_600_000;

export class FileTarget implements ObjectTarget {
  readonly uri: string;
  constructor(readonly root: string) {
    this.uri = pathToFileURL(root).href;
  }

  async check(): Promise<void> {
    try {
      mkdirSync(join(this.root, INCOMING), { recursive: true });
      await access(join(this.root, INCOMING), constants.W_OK);
    } catch (err) {
      throw new ArchiveTargetError(`archive folder ${this.root} is not writable: ${(err as Error).message}`, true, { cause: err });
    }
    const now = Date.now();
    for (const name of await readdir(join(this.root, INCOMING))) {
      const st = await stat(join(this.root, INCOMING, name)).catch(() => undefined);
      if (st && now - st.mtimeMs > STALE_MS) await rm(join(this.root, INCOMING, name), { force: true });
    }
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const dest = this.path(key);
    const tmp = join(this.root, INCOMING, randomUUID());
    await mkdir(join(this.root, INCOMING), { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await mkdir(dirname(dest), { recursive: true });
    await rename(tmp, dest);
  }

  async get(key: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.path(key)));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* this.walk('', prefix);
  }

  /** Depth-first in sorted name order: lexical key order for the archive's keys (no '-' or '.' before a '/'). */
  private async *walk(dir: string, prefix: string): AsyncIterable<ObjectInfo> {
    let names: string[];
    try {
      names = (await readdir(join(this.root, dir))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      if (dir === '' && name === INCOMING) continue;
      const key = dir === '' ? name : `${dir}/${name}`;
      // Only descend where the prefix can still match.
      if (!key.startsWith(prefix) && !prefix.startsWith(key + '/')) continue;
      const st = await stat(join(this.root, key)).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) yield* this.walk(key, prefix);
      else if (key.startsWith(prefix)) yield { key, size: st.size };
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const key of keys) {
      await rm(this.path(key), { force: true });
      dirs.add(dirname(key));
    }
    // Remove partitions left empty (hour=, then dt=, then tier=), deepest first.
    const all = new Set<string>();
    for (let d of dirs) for (; d !== '.' && d !== ''; d = dirname(d)) all.add(d);
    for (const d of [...all].sort((a, b) => b.length - a.length)) await rmdir(join(this.root, d)).catch(() => {});
  }

  private path(key: string): string {
    if (key.split('/').some((p) => p === '..' || p === '')) throw new Error(`bad object key ${key}`);
    return join(this.root, ...key.split('/'));
  }

  close(): void {}
}
