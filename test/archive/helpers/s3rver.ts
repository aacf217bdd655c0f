/**
 * Runs s3rver (an S3-protocol server) as a child process under `node --openssl-legacy-provider`
 * (its ListObjectsV2 paging needs it), on a fixed directory so it can be stopped and started again
 * on the same port with the same objects: a bucket that goes away and comes back.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT } from '../../helpers/binary.js';
import { tempDir } from '../../helpers/config.js';
import { freePort } from '../../helpers/free-port.js';

export const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

const SCRIPT = `
const S3rver = require(${JSON.stringify(resolve(ROOT, 'node_modules/s3rver'))});
const [dir, port] = process.argv.slice(-2);
new S3rver({ directory: dir, port: Number(port), address: '127.0.0.1', silent: true }).run((err) => {
  if (err) { console.error(err); process.exit(1); }
  console.log('s3rver ready');
});
`;

export class S3rverProcess {
  readonly dir = tempDir('auren-s3rver-');
  proc: ChildProcess | undefined;
  constructor(readonly port: number) {}

  static async start(): Promise<S3rverProcess> {
    const s = new S3rverProcess(await freePort());
    await s.up();
    return s;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const script = join(this.dir, '..', `s3rver-${this.port}.cjs`);
    mkdirSync(dirname(script), { recursive: true });
    writeFileSync(script, SCRIPT);
    const proc = spawn(process.execPath, ['--openssl-legacy-provider', script, this.dir, String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let out = '';
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`s3rver did not start: ${out}`)), 15_000);
      proc.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('s3rver ready')) {
          clearTimeout(t);
          res();
        }
      });
      proc.stderr!.on('data', (d) => (out += d));
      proc.on('exit', (code) => {
        clearTimeout(t);
        rej(new Error(`s3rver exited ${code}: ${out}`));
      });
    });
  }

  async down(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.on('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.proc = undefined;
  }

  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint, forcePathStyle: true, region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async createBucket(name: string): Promise<void> {
    const c = this.client();
    await c.send(new CreateBucketCommand({ Bucket: name }));
    c.destroy();
  }

  /** Downloads every object under prefix into a fresh folder (keys kept as paths), for DuckDB. */
  async download(bucket: string, prefix = ''): Promise<{ dir: string; keys: string[] }> {
    const c = this.client();
    const dir = tempDir('auren-s3-download-');
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 200 }));
      for (const o of page.Contents ?? []) {
        const res = await c.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
        const path = join(dir, o.Key!);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, await res.Body!.transformToByteArray());
        keys.push(o.Key!);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    c.destroy();
    return { dir, keys };
  }
}
