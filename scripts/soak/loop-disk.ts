/**
 * A small ext4 filesystem in a file on the real disk (loop mount), so the soak can fill the disk for
 * real without using RAM: `fill()` takes every free block (fallocate, then writes to the last byte),
 * `free()` gives them back. Needs root.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class LoopDisk {
  readonly dir: string;
  private readonly image: string;
  private readonly filler: string;

  constructor(sizeMb: number) {
    const base = mkdtempSync(join(tmpdir(), 'auren-soak-'));
    this.image = join(base, 'disk.img');
    this.dir = join(base, 'mnt');
    this.filler = join(this.dir, 'filler');
    execFileSync('truncate', ['-s', `${sizeMb}M`, this.image]);
    // -m 0: no blocks reserved for root (the server runs as root here and would use them).
    execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', this.image]);
    execFileSync('mkdir', ['-p', this.dir]);
    execFileSync('mount', ['-o', 'loop', this.image, this.dir]);
  }

  freeMb(): number {
    const s = statfsSync(this.dir);
    return (s.bavail * s.bsize) / 1048576;
  }

  fill(): void {
    const s = statfsSync(this.dir);
    const bytes = s.bavail * s.bsize;
    if (bytes > 65536) execFileSync('fallocate', ['-l', String(bytes - 65536), this.filler]);
    const fd = openSync(this.filler, 'a');
    const chunk = Buffer.alloc(4096);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
  }

  free(): void {
    rmSync(this.filler, { force: true });
  }

  destroy(): void {
    try {
      execFileSync('umount', ['-l', this.dir]);
    } catch {
      // already unmounted
    }
    rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }
}
