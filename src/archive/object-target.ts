/**
 * Where archive objects go: a local folder or an S3-compatible bucket, behind one small interface
 * so the archiver, the retention sweeper and the CLI never care which.
 */

export interface ObjectInfo {
  /** Key relative to the target's root (the prefix is not part of it). */
  key: string;
  size: number;
}

export interface ObjectTarget {
  /** Where the objects go, for messages: `file:///…` or `s3://bucket/prefix`. */
  readonly uri: string;
  /**
   * Checks that the target exists and the credentials work; throws an ArchiveTargetError saying what
   * is wrong when the answer is definitive (missing bucket, refused credentials).
   */
  check(): Promise<void>;
  /** Writes the whole object under key, replacing any object already there. */
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** Objects whose key starts with prefix, in lexical key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes the keys (missing ones are fine). */
  delete(keys: readonly string[]): Promise<void>;
  close(): void;
}

/** A target problem that retrying will not fix: the message tells the operator what to change. */
export class ArchiveTargetError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
