/**
 * The S3-compatible target (AWS, MinIO, Tigris, R2) on @aws-sdk/client-s3 with the standard
 * credential chain. A custom endpoint switches to path-style addressing and to checksums only
 * where the API requires them (R2 and others reject the SDK's default CRC32 headers).
 */
import {
  DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { describeS3Error } from './s3-errors.js';
import { uploadMultipart } from './s3-multipart.js';
import type { ObjectInfo, ObjectTarget } from './object-target.js';

export interface S3TargetOptions {
  bucket: string;
  prefix: string;
  endpoint: string | undefined;
  /** Objects larger than this go up as a multipart upload. */
  multipartThreshold?: number;
  partSize?: number;
  requestTimeoutMs?: number;
  env?: Record<string, string | undefined>;
  /** Explicit credentials (tests); default: the standard AWS chain (env, profile, SSO, role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Keys per ListObjectsV2 page (default 1000, the API's maximum). */
  listPageSize?: number;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;

export function createS3Client(o: Pick<S3TargetOptions, 'endpoint' | 'requestTimeoutMs' | 'env' | 'credentials'>): S3Client {
  const env = o.env ?? process.env;
  // The SDK warns on Node < 22 about its releases after January 2027; ours is pinned, so the
  // warning is nothing a user of auren can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (o.endpoint ? 'us-east-1' : undefined);
  return new S3Client({
    ...(region ? { region } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.endpoint
      ? { endpoint: o.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    // The SDK retries throttling and 5xx itself; the archiver backs off for longer outages on top.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5000, requestTimeout: o.requestTimeoutMs ?? 60_000, throwOnRequestTimeout: true },
  });
}

export class S3Target implements ObjectTarget {
  readonly uri: string;
  readonly client: S3Client;
  private readonly root: string;

  constructor(private readonly o: S3TargetOptions) {
    this.client = createS3Client(o);
    this.root = o.prefix ? o.prefix + '/' : '';
    this.uri = `s3://${o.bucket}${o.prefix ? '/' + o.prefix : ''}`;
  }

  get bucket(): string {
    return this.o.bucket;
  }

  get prefix(): string {
    return this.o.prefix;
  }

  /** The bucket-level key of a target key. */
  fullKey(key: string): string {
    return this.root + key;
  }

  async check(): Promise<void> {
    await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.root, MaxKeys: 1 })));
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const Key = this.fullKey(key);
    const threshold = Math.max(this.o.multipartThreshold ?? 16 * 1024 * 1024, MIN_PART_SIZE);
    if (body.length <= threshold) {
      await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key, Body: body, ContentType: 'application/vnd.apache.parquet' })));
      return;
    }
    const partSize = Math.max(this.o.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE);
    await this.call(() => uploadMultipart(this.client, { bucket: this.o.bucket, key: Key, body, partSize }));
  }

  async get(key: string): Promise<Uint8Array> {
    return this.call(async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: this.fullKey(key) }));
      return res.Body!.transformToByteArray();
    });
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.root + prefix, ContinuationToken: token, MaxKeys: this.o.listPageSize })),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key.slice(this.root.length), size: o.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((k) => ({ Key: this.fullKey(k) }));
      const res = await this.call(() => this.client.send(new DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects, Quiet: true } })));
      const failed = res.Errors ?? [];
      if (failed.length) throw new Error(`could not delete ${failed.length} objects, e.g. ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message ?? ''}`);
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw describeS3Error(err, this.o.bucket, this.o.endpoint);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
