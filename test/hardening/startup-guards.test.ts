/**
 * Start-up refusals on the built product: auth may be off only on loopback (any other address needs
 * keys or --insecure), broken key sources stop the start with a message naming the flag.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAuren, TARGETS } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { startProduct } from './support/product.js';

const KEY = 'guard-key-0123456789abcdef';

describe.each(TARGETS)('start-up guards (%s)', (target) => {
  const base = () => ['serve', '--port', '0', '--data-dir', tempDir(), '--archive', 'none'];

  it.each([
    ['0.0.0.0', [], {}],
    ['::', [], {}],
    ['0', [], {}],
    ['127.0.0.1.nip.io', [], {}],
    ['0.0.0.0', ['--api-keys', ''], {}],
    ['0.0.0.0', [], { AUREN_INSECURE: 'false' }],
  ] as [string, string[], Record<string, string>][])('refuses --host %s without keys (%j %j)', async (host, extra, env) => {
    const r = await runAuren(target, [...base(), '--host', host, ...extra], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to listen on .* without API keys.*--api-keys.*--insecure/);
    expect(r.stdout).not.toMatch(/listening/);
  });

  it.each([
    ['127.0.0.1', [], {}],
    ['127.0.0.2', [], {}],
    ['localhost', [], {}],
    ['0.0.0.0', ['--insecure'], {}],
    ['0.0.0.0', [], { AUREN_INSECURE: 'true' }],
    ['0.0.0.0', ['--api-keys', `${KEY}=p:admin`], {}],
    ['0.0.0.0', [], { AUREN_API_KEYS: `${KEY}=p:admin` }],
  ] as [string, string[], Record<string, string>][])('starts on --host %s with %j %j', async (host, extra, env) => {
    const p = await startProduct(target, { args: ['--host', host, ...extra], env });
    try {
      // A wildcard address is reached through loopback.
      const url = host === '0.0.0.0' ? p.url.replace('//0.0.0.0', '//127.0.0.1') : p.url;
      const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"a.b"}' });
      const keyed = extra.includes('--api-keys') || 'AUREN_API_KEYS' in env;
      expect(res.status).toBe(keyed ? 401 : 202);
      if (host === '0.0.0.0' && !keyed) expect(p.stderr()).toMatch(/--insecure.*anyone who can reach it/);
    } finally {
      await p.kill9();
    }
  });

  it('stops on a missing or broken --api-keys-file, naming the flag and never the key', async () => {
    const missing = await runAuren(target, [...base(), '--api-keys-file', '/nonexistent/keys']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--api-keys-file \/nonexistent\/keys.*ENOENT/);

    const file = join(tempDir(), 'keys');
    writeFileSync(file, `${KEY}=p:owner\n`);
    const broken = await runAuren(target, [...base(), '--api-keys-file', file]);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/API key entry 1: the role must be ingest, read, admin or metrics/);
    expect(broken.stderr + broken.stdout).not.toContain(KEY);
  });

  it('never prints a key in --print-config', async () => {
    const r = await runAuren(target, [...base(), '--print-config', '--api-keys', `${KEY}=p:admin`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/"apiKeys": "\(set\)"/);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('stops when the data dir cannot be created, naming the flag', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const r = await runAuren(target, ['serve', '--port', '0', '--data-dir', join(file, 'sub'), '--archive', 'none']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot open the store in .*a-file\/sub \(--data-dir \/ AUREN_DATA_DIR\)/);
  });
});
