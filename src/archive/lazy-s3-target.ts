/**
 * The S3 target behind a dynamic import: the AWS SDK takes about 10 ms to evaluate, so a server
 * archiving to a folder (the default) or to nothing never loads it, and one archiving to S3 loads
 * it on the first call (the start-up check).
 */
import type { ObjectInfo, ObjectTarget } from './object-target.js';
import type { S3Target, S3TargetOptions } from './s3-target.js';

export class LazyS3Target implements ObjectTarget {
  private target: Promise<S3Target> | undefined;
  private closed = false;

  /** `uri` is the target spec's (`s3://bucket/prefix`), the same S3Target reports. */
  constructor(
    private readonly options: S3TargetOptions,
    readonly uri: string,
  ) {}

  /** The real target, created on first use. */
  load(): Promise<S3Target> {
    this.target ??= import('./s3-target.js').then(({ S3Target }) => new S3Target(this.options));
    return this.target;
  }

  async check(): Promise<void> {
    return (await this.load()).check();
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    return (await this.load()).put(key, body);
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.load()).get(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* (await this.load()).list(prefix);
  }

  async delete(keys: readonly string[]): Promise<void> {
    return (await this.load()).delete(keys);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Nothing to close when no call ever needed the client.
    void this.target?.then((t) => t.close(), () => {});
  }
}
