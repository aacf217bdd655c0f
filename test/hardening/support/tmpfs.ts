/**
 * A tiny tmpfs to make the disk fill up for real (ENOSPC from the kernel, not a mock). Needs root and
 * a working `mount`; `canMountTmpfs()` says whether this machine allows it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the filesystem is full; returns its size in bytes. */
  fill(): number;
  /** Deletes the filler: space comes back. */
  free(): void;
  unmount(): void;
}

let probed: boolean | undefined;

export function canMountTmpfs(): boolean {
  if (probed !== undefined) return probed;
  try {
    const t = mountTmpfs(64);
    t.unmount();
    probed = true;
  } catch {
    probed = false;
  }
  return probed;
}

export function mountTmpfs(sizeKb: number, opts: { readOnly?: boolean } = {}): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'auren-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${opts.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x61);
      let total = 0;
      try {
        for (;;) total += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return total;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmdirSync(dir);
    },
  };
}
