/**
 * The release binary (scripts/release, which the Dockerfile runs) is built by the same command as the
 * binary every other test runs, so it carries the same entry points: a build of the main entry alone
 * started, but without its worker threads (their entries missing, the work fell back onto the event
 * loop).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/binary.js';

describe('the release build', () => {
  it('builds through npm run build:bin', () => {
    const release = readFileSync(join(ROOT, 'scripts/release'), 'utf8');
    expect(release).toMatch(/^npm run --silent build:bin -- --target="bun-\$target"/m);
    expect(release).not.toMatch(/bun build/);
  });

  it('build:bin compiles every entry the binary loads at run time', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const entries = readdirSync(join(ROOT, 'src/runtime/bun')).filter((f) => f.endsWith('-worker.ts'));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const f of ['src/main.bun.ts', ...entries.map((e) => `src/runtime/bun/${e}`)]) expect(scripts['build:bin']).toContain(` ${f} `);
  });
});
