/**
 * A data dir on a read-only filesystem (a tmpfs mounted ro): the server refuses to start, exit code
 * non-zero, with a message that names the directory and the flag to change. Needs root and `mount`.
 */
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../helpers/binary.js';
import { startProduct } from './support/product.js';
import { canMountTmpfs, mountTmpfs } from './support/tmpfs.js';

const MOUNT_OK = canMountTmpfs();

describe.skipIf(!MOUNT_OK).each(TARGETS)('read-only data dir (%s)', (target) => {
  it('refuses to start with a message that names the data dir', async () => {
    const fs = mountTmpfs(1024, { readOnly: true });
    try {
      const err = await startProduct(target, { dataDir: fs.dir }).then(
        async (p) => {
          await p.kill9();
          return 'started';
        },
        (e: Error) => e.message,
      );
      expect(err).toMatch(/exited with [1-9]/);
      expect(err).toContain(fs.dir);
      expect(err).toMatch(/--data-dir|AUREN_DATA_DIR/);
    } finally {
      fs.unmount();
    }
  });
});
