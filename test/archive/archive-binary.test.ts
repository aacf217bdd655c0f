/**
 * The built product (Bun binary and Node build) archiving for real: kill -9 in the middle of an
 * upload and a restart leave every event in the bucket exactly once; SIGTERM writes and uploads the
 * open file; `auren archive ls / verify / lifecycle`; `--archive-level`; bad archive config exits
 * with a clear message.
 */
import { copyFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKey } from '../../src/archive/key-layout.js';
import { runAuren, spawnAuren, TARGETS, type Target } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';
import { postEvents } from '../helpers/ws-client.js';
import { archivedRows, duckQuery } from './helpers/duckdb.js';
import { mixedEvents } from './helpers/events.js';
import { GateProxy } from './helpers/gate-proxy.js';
import { S3_ENV, S3rverProcess } from './helpers/s3rver.js';
import { until } from './helpers/wait.js';

let s3: S3rverProcess;
beforeAll(async () => {
  s3 = await S3rverProcess.start();
  await s3.createBucket('product');
});
afterAll(async () => s3.down());

function files(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((d) =>
    d.name.startsWith('.') ? [] : d.isDirectory() ? files(dir, join(sub, d.name)) : [join(sub, d.name)],
  );
}

describe.each(TARGETS)('archive on the %s target', (target: Target) => {
  it('kill -9 mid-upload, then restart: every event in the bucket exactly once', async () => {
    const dataDir = tempDir('auren-kill-');
    const prefix = `kill-${target}`;
    const gate = new GateProxy(s3.port, 3);
    await gate.start();
    const args = (endpoint: string) => ['serve', '--port', '0', '--data-dir', dataDir, '--archive', `s3://product/${prefix}`, '--s3-endpoint', endpoint, '--archive-flush', '200ms'];
    const first = await spawnAuren(target, args(gate.endpoint), S3_ENV);
    const before = mixedEvents(600, `k1-${target}`);
    expect((await postEvents(first.url, before)).json.accepted).toBe(600);
    await until(() => gate.held > 0, 20_000, 'an upload in flight');
    await first.kill9();
    await gate.stop();
    const { keys: partial } = await s3.download('product', prefix + '/');
    expect(partial.length).toBeGreaterThanOrEqual(4); // 3 answered + at least one stored but unanswered

    const second = await spawnAuren(target, args(s3.endpoint), S3_ENV);
    expect((await postEvents(second.url, mixedEvents(200, `k2-${target}`))).json.accepted).toBe(200);
    expect(await second.stop()).toBe(0);

    const { dir, keys } = await s3.download('product', prefix + '/');
    for (const k of partial) expect(keys).toContain(k); // redone under the same names
    const rows = await archivedRows(join(dir, prefix));
    expect(rows.length).toBe(800);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(800);
    expect(new Set(rows.map((r) => r.id)).size).toBe(800);
    const codec = await duckQuery(`SELECT DISTINCT compression FROM parquet_metadata('${join(dir, prefix)}/**/*.parquet')`);
    expect(codec.map((c) => c.compression)).toEqual([target === 'bun-binary' ? 'ZSTD' : 'GZIP']);

    const verify = await runAuren(target, ['archive', 'verify', '--data-dir', dataDir, '--archive', `s3://product/${prefix}`, '--s3-endpoint', s3.endpoint], S3_ENV);
    expect(verify.stdout).toMatch(/hot store: 800 events checked, archived up to seq 800/);
    expect(verify.stdout).toMatch(/ok: every stored event is in the archive exactly once/);
    expect(verify.code).toBe(0);
  });

  it('--archive-level sets the compression level: the same events, smaller files at a higher level', async () => {
    const [low, high] = target === 'bun-binary' ? [1, 19] : [1, 9];
    const bytes: number[] = [];
    // Text that compresses like agent output (words in varying order), so levels differ clearly.
    const words = ['plan', 'search', 'invoice', 'retry', 'customer', 'because', 'result', 'cache', 'tool', 'budget', 'review', 'status'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % words.length;
    const events = mixedEvents(3000, `level-${target}`).map((e) => ({ ...e, data: { text: Array.from({ length: 40 }, () => words[next()]).join(' ') } }));
    for (const level of [low, high]) {
      const dataDir = tempDir(`auren-level-${level}-`);
      const archive = join(dataDir, 'archive');
      const server = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive-flush', '1h', '--archive-level', String(level)]);
      expect((await postEvents(server.url, events)).json.accepted).toBe(3000);
      expect(await server.stop()).toBe(0);
      expect((await archivedRows(archive)).length).toBe(3000);
      bytes.push(files(archive).reduce((n, f) => n + statSync(join(archive, f)).size, 0));
    }
    expect(bytes[1]).toBeLessThan(bytes[0]);
    if (target === 'node') {
      // gzip stops at 9: a zstd level is refused at start, naming the flag.
      const r = await runAuren(target, ['serve', '--port', '0', '--data-dir', tempDir('auren-level-zstd-'), '--archive-level', '12']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--archive-level 12: .*gzip, whose levels are 1 to 9/);
    }
  });

  it('SIGTERM writes the open file; ls and verify report the archive and catch damage', async () => {
    const dataDir = tempDir('auren-term-');
    const archive = join(dataDir, 'archive');
    const server = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive-flush', '1h']);
    expect((await postEvents(server.url, mixedEvents(300, `t-${target}`))).json.accepted).toBe(300);
    expect(await server.stop()).toBe(0);
    expect((await archivedRows(archive)).length).toBe(300);

    const ls = await runAuren(target, ['archive', 'ls', '--data-dir', dataDir]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^tier=operational\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2} +1 +[\d.]+ [KM]?i?B +1-300$/m);
    expect(ls.stdout).toMatch(/: \d+ objects in \d+ partitions/);
    const ok = await runAuren(target, ['archive', 'verify', '--data-dir', dataDir]);
    expect(ok.code).toBe(0);

    // A copy of an object under another range name: its rows are now archived twice.
    const [one] = files(archive);
    const k = parseKey(one)!;
    copyFileSync(join(archive, one), join(archive, one.replace(/[^/]+$/, `${String(k.first + 1000).padStart(16, '0')}-${String(k.last + 1000).padStart(16, '0')}.parquet`)));
    const dup = await runAuren(target, ['archive', 'verify', '--data-dir', dataDir]);
    expect(dup.code).toBe(1);
    expect(dup.stdout).toMatch(/DUPLICATE: \d+ seqs are archived more than once/);

    rmSync(join(archive, one));
    const [other] = files(archive).filter((f) => !f.startsWith(one.split('/')[0]));
    rmSync(join(archive, other));
    const missing = await runAuren(target, ['archive', 'verify', '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/MISSING: \d+ stored events are not in the archive: seqs \d+/);
  });

  it('fails fast on bad archive config, naming the problem', async () => {
    const dataDir = tempDir('auren-badcfg-');
    const scheme = await runAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 'ftp://host/x']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/--archive \/ AUREN_ARCHIVE: the scheme "ftp:" is not supported/);
    const bucket = await runAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 's3://nope-bucket/x', '--s3-endpoint', s3.endpoint], S3_ENV);
    expect(bucket.code).not.toBe(0);
    expect(bucket.stderr).toMatch(/bucket "nope-bucket" does not exist/);
    const creds = await runAuren(target, ['serve', '--port', '0', '--data-dir', dataDir, '--archive', 's3://product/x', '--s3-endpoint', s3.endpoint], {
      ...S3_ENV, AWS_ACCESS_KEY_ID: 'NOT-A-KEY', // s3rver checks key ids, not secrets
    });
    expect(creds.code).not.toBe(0);
    expect(creds.stderr).toMatch(/S3 credentials were refused .*InvalidAccessKeyId/);
  });
});

describe('auren archive lifecycle', () => {
  it('prints the rules, and says clearly when the store has no lifecycle API (s3rver: 501)', async () => {
    const args = ['archive', 'lifecycle', '--archive', 's3://product/lc', '--s3-endpoint', s3.endpoint, '--archive-retention', 'critical=90d,analytical=36h'];
    const dry = await runAuren('bun-binary', [...args, '--dry-run'], S3_ENV);
    expect(dry.code).toBe(0);
    const rules = JSON.parse(dry.stdout).Rules;
    expect(rules).toEqual([
      { ID: 'auren:lc:expire-critical', Status: 'Enabled', Filter: { Prefix: 'lc/tier=critical/' }, Expiration: { Days: 91 } },
      { ID: 'auren:lc:expire-analytical', Status: 'Enabled', Filter: { Prefix: 'lc/tier=analytical/' }, Expiration: { Days: 3 } },
      { ID: 'auren:lc:abort-incomplete-multipart', Status: 'Enabled', Filter: { Prefix: 'lc/' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    const real = await runAuren('bun-binary', args, S3_ENV);
    expect(real.code).toBe(3);
    expect(real.stderr).toMatch(/s3:\/\/product\/lc: this store does not implement bucket lifecycle rules \(HTTP 501 NotImplemented\)/);
  });
});
