/**
 * Object targets against real stores: a local folder and s3rver through the real AWS SDK (put, get,
 * list with paging, multipart, delete), `--archive` parsing, and start-up checks that name the problem.
 */
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTarget } from '../../src/archive/file-target.js';
import type { ObjectTarget } from '../../src/archive/object-target.js';
import { S3Target } from '../../src/archive/s3-target.js';
import { parseTargetSpec } from '../../src/archive/target-spec.js';
import { tempDir } from '../helpers/config.js';
import { freePort } from '../helpers/free-port.js';
import { S3rverProcess } from './helpers/s3rver.js';

const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

async function keys(t: ObjectTarget, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const o of t.list(prefix)) out.push(o.key);
  return out;
}

describe('--archive parsing', () => {
  it('accepts file://, s3:// and none', () => {
    expect(parseTargetSpec('none', undefined)).toEqual({ kind: 'none' });
    expect(parseTargetSpec('file:///var/lib/auren/archive', undefined)).toMatchObject({ kind: 'file', dir: '/var/lib/auren/archive' });
    expect(parseTargetSpec('file://./data/archive', undefined)).toMatchObject({ kind: 'file', dir: join(process.cwd(), 'data/archive') });
    expect(parseTargetSpec('s3://my-bucket/a/b/', 'http://127.0.0.1:9000')).toEqual({
      kind: 's3', bucket: 'my-bucket', prefix: 'a/b', endpoint: 'http://127.0.0.1:9000', uri: 's3://my-bucket/a/b',
    });
    expect(parseTargetSpec('s3://my-bucket', undefined)).toMatchObject({ bucket: 'my-bucket', prefix: '' });
  });

  it('fails fast on anything else, naming the flag', () => {
    expect(() => parseTargetSpec('gs://bucket/x', undefined)).toThrow(/--archive \/ AUREN_ARCHIVE: the scheme "gs:" is not supported; use file:\/\/DIR, s3:\/\/BUCKET\/PREFIX or none/);
    expect(() => parseTargetSpec('./folder', undefined)).toThrow(/--archive.*is not an archive target/);
    expect(() => parseTargetSpec('s3://Bad_Bucket/x', undefined)).toThrow(/not a bucket name/);
    expect(() => parseTargetSpec('s3://bucket', 'localhost:9000')).toThrow(/--s3-endpoint.*must be an http/);
    expect(() => parseTargetSpec('file://', undefined)).toThrow(/names no folder/);
  });
});

function targetSuite(name: string, make: () => Promise<ObjectTarget>) {
  describe(`${name} target`, () => {
    let t: ObjectTarget;
    beforeAll(async () => {
      t = await make();
      await t.check();
    });
    afterAll(() => t.close());

    it('puts, overwrites, gets and lists in key order', async () => {
      await t.put('tier=critical/dt=2025-01-02/hour=03/b.parquet', bytes(10));
      await t.put('tier=critical/dt=2025-01-01/hour=23/a.parquet', bytes(5));
      await t.put('tier=operational/dt=2025-01-01/hour=00/c.parquet', bytes(3));
      await t.put('tier=critical/dt=2025-01-02/hour=03/b.parquet', bytes(12, 9));
      expect(await t.get('tier=critical/dt=2025-01-02/hour=03/b.parquet')).toEqual(bytes(12, 9));
      expect(await keys(t, 'tier=critical/')).toEqual(['tier=critical/dt=2025-01-01/hour=23/a.parquet', 'tier=critical/dt=2025-01-02/hour=03/b.parquet']);
      const all: { key: string; size: number }[] = [];
      for await (const o of t.list('')) all.push(o);
      expect(all).toContainEqual({ key: 'tier=critical/dt=2025-01-02/hour=03/b.parquet', size: 12 });
    });

    it('deletes keys (missing ones are fine)', async () => {
      await t.delete(['tier=critical/dt=2025-01-01/hour=23/a.parquet', 'tier=critical/dt=1999-01-01/hour=00/none.parquet']);
      expect(await keys(t, 'tier=critical/')).toEqual(['tier=critical/dt=2025-01-02/hour=03/b.parquet']);
    });
  });
}

targetSuite('file', async () => new FileTarget(tempDir('auren-filetarget-')));

let s3: S3rverProcess;
beforeAll(async () => {
  s3 = await S3rverProcess.start();
  await s3.createBucket('archive');
});
afterAll(async () => s3.down());

targetSuite('s3 (s3rver)', async () => new S3Target({ bucket: 'archive', prefix: 'suite/x', endpoint: s3.endpoint, credentials: creds }));

describe('file target specifics', () => {
  it('writes through a temporary file and removes emptied partitions', async () => {
    const root = tempDir('auren-filetarget-');
    const t = new FileTarget(root);
    await t.check();
    await t.put('tier=analytical/dt=2025-01-01/hour=01/x.parquet', bytes(4));
    expect(readdirSync(join(root, '.incoming'))).toEqual([]);
    expect(await keys(t)).toEqual(['tier=analytical/dt=2025-01-01/hour=01/x.parquet']);
    await t.delete(['tier=analytical/dt=2025-01-01/hour=01/x.parquet']);
    expect(existsSync(join(root, 'tier=analytical'))).toBe(false);
  });

  it('reports a folder it cannot write', async () => {
    const file = join(tempDir('auren-filetarget-'), 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(new FileTarget(join(file, 'archive')).check()).rejects.toThrow(/archive folder .*a-file\/archive is not writable: ENOTDIR/);
  });
});

describe('s3 target specifics (s3rver)', () => {
  it('pages through long listings', async () => {
    const t = new S3Target({ bucket: 'archive', prefix: 'paging', endpoint: s3.endpoint, credentials: creds, listPageSize: 7 });
    const want = Array.from({ length: 30 }, (_, i) => `tier=operational/dt=2025-02-01/hour=00/${String(i).padStart(3, '0')}.parquet`);
    for (const k of want) await t.put(k, bytes(1));
    expect(await keys(t, 'tier=operational/')).toEqual(want);
    t.close();
  });

  it('uploads large objects in parts of at least 5 MiB', async () => {
    const t = new S3Target({ bucket: 'archive', prefix: 'mp', endpoint: s3.endpoint, credentials: creds, multipartThreshold: 5 * 1024 * 1024 });
    const body = new Uint8Array(12 * 1024 * 1024 + 123);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    await t.put('tier=critical/dt=2025-01-01/hour=00/big.parquet', body);
    const back = await t.get('tier=critical/dt=2025-01-01/hour=00/big.parquet');
    expect(back.length).toBe(body.length);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(body))).toBe(0);
    const open = await t.client.send(new ListMultipartUploadsCommand({ Bucket: 'archive' })).catch(() => ({ Uploads: [] }));
    expect(open.Uploads ?? []).toEqual([]);
    t.close();
  });

  it('names a missing bucket and refused credentials as permanent problems', async () => {
    const missing = new S3Target({ bucket: 'no-such-bucket', prefix: '', endpoint: s3.endpoint, credentials: creds });
    await expect(missing.check()).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/bucket "no-such-bucket" does not exist at http/) });
    const wrong = new S3Target({ bucket: 'archive', prefix: '', endpoint: s3.endpoint, credentials: { accessKeyId: 'WRONG', secretAccessKey: 'nope' } });
    await expect(wrong.check()).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/S3 credentials were refused.*InvalidAccessKeyId.*AWS_ACCESS_KEY_ID/) });
    missing.close();
    wrong.close();
  });

  it('treats an endpoint that does not answer as transient', async () => {
    const down = new S3Target({ bucket: 'archive', prefix: '', endpoint: `http://127.0.0.1:${await freePort()}`, credentials: creds });
    await expect(down.check()).rejects.toMatchObject({ permanent: false, message: expect.stringMatching(/unreachable or failing/) });
    down.close();
  });
});
