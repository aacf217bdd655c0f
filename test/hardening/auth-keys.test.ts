/**
 * API key parsing, lookup and reload, table-driven: every malformed entry is refused with a message
 * that names the entry and never echoes key material; reload swaps keys atomically and a broken file
 * keeps the old ones.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyRing, parseApiKeys } from '../../src/auth/api-keys.js';
import { reloadKeys } from '../../src/auth/key-reload.js';
import type { Logger } from '../../src/core/log.js';
import { tempDir } from '../helpers/config.js';

const SECRET = 'S3cr3t-v4lue-that-must-not-leak';

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, f?: Record<string, unknown>) => lines.push(`${level} ${msg} ${JSON.stringify(f ?? {})}`);
  return { logger: { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') }, lines };
}

describe('parseApiKeys', () => {
  it.each([
    ['ingest', { project: 'p1', role: 'ingest', readProjects: ['p1'], canIngest: true, canRead: false }],
    ['read', { project: 'p1', role: 'read', readProjects: ['p1'], canIngest: false, canRead: true }],
    ['admin', { project: 'p1', role: 'admin', readProjects: undefined, canIngest: true, canRead: true }],
    ['metrics', { project: 'p1', role: 'metrics', readProjects: [], canIngest: false, canRead: false }],
  ])('gives the %s role its rights', (role, principal) => {
    const ring = new KeyRing(parseApiKeys(`${SECRET}=p1:${role}`));
    // keyId names the key across reloads by its SHA-256, never by its content.
    expect(ring.lookup(SECRET)).toEqual({ ...principal, keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(ring.lookup(SECRET)!.keyId).not.toContain(SECRET);
  });

  it('follows a key across a replace and tells listeners, so open streams can be re-checked', () => {
    const ring = new KeyRing(parseApiKeys(`${SECRET}=p1:read`));
    const id = ring.lookup(SECRET)!.keyId!;
    let calls = 0;
    const off = ring.onReplace(() => calls++);
    ring.replace(parseApiKeys(`${SECRET}=p2:read`));
    expect(ring.current(id)).toMatchObject({ project: 'p2', role: 'read' });
    ring.replace(parseApiKeys(`other-key-0123456789abcdef=p1:read`));
    expect(ring.current(id)).toBeUndefined();
    off();
    ring.replace(parseApiKeys(`${SECRET}=p1:read`));
    expect(calls).toBe(2);
  });

  it('takes comma and newline lists, comments, blank lines, and "=" inside a key', () => {
    const ring = new KeyRing(parseApiKeys(`# ops keys\n${SECRET}=a:read\n\n  k=with=equals-0123456789=b:ingest , third-key-0123456789=c:admin\n`));
    expect(ring.size).toBe(3);
    expect(ring.lookup('k=with=equals-0123456789')?.project).toBe('b');
    expect(ring.lookup('third-key-0123456789')?.role).toBe('admin');
  });

  it.each([
    ['no equals sign', `${SECRET}`, /entry 1: must be KEY=PROJECT:ROLE/],
    ['no role', `${SECRET}=proj`, /entry 1: must be KEY=PROJECT:ROLE/],
    ['extra field', `${SECRET}=proj:read:extra`, /entry 1: must be KEY=PROJECT:ROLE/],
    ['unknown role', `${SECRET}=proj:root`, /entry 1: the role must be ingest, read, admin or metrics/],
    ['bad project', `${SECRET}=../etc:read`, /entry 1: the project must be/],
    ['short key', 'short=proj:read', /entry 1 \(project proj\): the key is shorter than 16/],
    ['key with a space', 'has a space in it 0123=proj:read', /must not contain spaces/],
    ['second entry bad', `${SECRET}=a:read,other-0123456789abc=b:nope`, /entry 2: the role/],
    ['same key twice', `${SECRET}=a:read,${SECRET}=b:admin`, /entry 2 \(project b\): the same key appears twice/],
    ['fields swapped, secret with a colon', `proj:read=${SECRET}:x`, /entry 1: the role/],
    ['nothing', ' \n# only a comment\n', /no API keys given/],
  ])('refuses %s without echoing the key', (_name, text, message) => {
    let error = '';
    try {
      parseApiKeys(text);
    } catch (err) {
      error = (err as Error).message;
    }
    expect(error).toMatch(message);
    expect(error).not.toContain(SECRET);
    expect(error).not.toContain('S3cr3t');
  });
});

describe('KeyRing.lookup', () => {
  const ring = new KeyRing(parseApiKeys(`${SECRET}=a:read,another-key-0123456789=b:ingest`));

  it.each([
    ['', undefined],
    [SECRET.slice(0, -1), undefined],
    [SECRET + 'x', undefined],
    [SECRET.toUpperCase(), undefined],
    [` ${SECRET}`, undefined],
    ['another-key-0123456789', 'b'],
  ])('%j → %s', (key, project) => {
    expect(ring.lookup(key)?.project).toBe(project);
  });

  it('without keys everyone is the admin of project "default" (auth off)', () => {
    expect(new KeyRing(undefined).lookup('anything')).toMatchObject({ project: 'default', role: 'admin' });
  });
});

describe('reloadKeys', () => {
  it('swaps in the new file, keeps the old keys when the file is broken or gone, never logs keys', () => {
    const dir = tempDir();
    const file = join(dir, 'keys');
    writeFileSync(file, `${SECRET}=a:read\n`);
    const config = { apiKeys: undefined, apiKeysFile: file };
    const ring = new KeyRing(parseApiKeys(`${SECRET}=a:read`));
    const { logger, lines } = capture();

    writeFileSync(file, `new-key-0123456789abcdef=a:admin\n`);
    expect(reloadKeys(ring, config, logger)).toEqual({ ok: true, keys: 1 });
    expect(ring.lookup(SECRET)).toBeUndefined();
    expect(ring.lookup('new-key-0123456789abcdef')?.role).toBe('admin');

    writeFileSync(file, `${SECRET}=a:superuser\n`);
    const broken = reloadKeys(ring, config, logger);
    expect(broken).toMatchObject({ ok: false, keys: 1, error: expect.stringMatching(/role.*previous keys stay active/) });
    expect(ring.lookup('new-key-0123456789abcdef')?.role).toBe('admin');

    writeFileSync(file, '');
    expect(reloadKeys(ring, config, logger)).toMatchObject({ ok: false, error: expect.stringMatching(/no API keys/) });
    expect(ring.enabled).toBe(true);

    const gone = reloadKeys(ring, { apiKeys: undefined, apiKeysFile: join(dir, 'missing') }, logger);
    expect(gone).toMatchObject({ ok: false, error: expect.stringMatching(/cannot read --api-keys-file .*ENOENT/) });
    expect(ring.lookup('new-key-0123456789abcdef')?.role).toBe('admin');

    expect(lines.join('\n')).not.toMatch(/S3cr3t|new-key-0123/);
    expect(lines.filter((l) => l.startsWith('error'))).toHaveLength(3);
  });

  it('keeps --api-keys alongside the file', () => {
    const file = join(tempDir(), 'keys');
    writeFileSync(file, 'from-file-0123456789abc=f:read\n');
    const ring = new KeyRing(parseApiKeys('from-env-0123456789abcd=e:ingest'));
    expect(reloadKeys(ring, { apiKeys: 'from-env-0123456789abcd=e:ingest', apiKeysFile: file }, capture().logger).keys).toBe(2);
    expect(ring.lookup('from-env-0123456789abcd')?.project).toBe('e');
    expect(ring.lookup('from-file-0123456789abc')?.project).toBe('f');
  });

  it('refuses to turn auth on by reload when the server started without keys', () => {
    const ring = new KeyRing(undefined);
    expect(reloadKeys(ring, { apiKeys: undefined, apiKeysFile: undefined }, capture().logger)).toMatchObject({ ok: false, error: expect.stringMatching(/auth is off/) });
    expect(ring.enabled).toBe(false);
  });
});
