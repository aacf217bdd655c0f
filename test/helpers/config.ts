/** Test configuration: the real defaults, on a free port and a fresh temporary data dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export function tempDir(prefix = 'auren-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(overrides: Partial<Config> = {}, argv: string[] = []): Config {
  const dataDir = overrides.dataDir ?? tempDir();
  // In-process servers share the test runner's thread: it keeps its own priority (the products raise theirs).
  return { ...loadConfig(['--port', '0', '--data-dir', dataDir, '--archive', 'none', '--event-loop-nice', '0', ...argv], {}), ...overrides };
}
