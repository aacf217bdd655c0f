/** Keeps the README true: its configuration table is the one the schema generates. */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/binary.js';

describe('README', () => {
  it('has the two-command quick start', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });

  it('shows the configuration table generated from the config schema', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const table = execFileSync(`${ROOT}/node_modules/.bin/bun`, ['scripts/config-table.ts'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(readme, 'regenerate with: bun scripts/config-table.ts').toContain(table);
  });
});
