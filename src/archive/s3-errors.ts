/** Turns AWS SDK errors into messages an operator can act on, and says which ones retrying won't fix. */
import { ArchiveTargetError } from './object-target.js';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'CredentialsProviderError']);

export function statusOf(err: unknown): number | undefined {
  return (err as SdkError)?.$metadata?.httpStatusCode;
}

/** Maps an SDK error for `bucket` to an ArchiveTargetError (permanent = fix the config, not the network). */
export function describeS3Error(err: unknown, bucket: string, endpoint: string | undefined): ArchiveTargetError {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? e.code ?? 'Error';
  const status = statusOf(err);
  const where = endpoint ? ` at ${endpoint}` : '';
  let msg: string;
  let permanent = true;
  if (name === 'NoSuchBucket' || (status === 404 && name === 'NotFound')) {
    msg = `bucket "${bucket}" does not exist${where}: create it, or fix --archive / AUREN_ARCHIVE`;
  } else if (CREDENTIALS.has(name) || /credential/i.test(e.message ?? '')) {
    msg = `the S3 credentials were refused${where} (${name}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the profile / role in use)`;
  } else if (name === 'AccessDenied' || status === 403) {
    msg = `access to bucket "${bucket}" was denied${where} (${name}): the credentials need s3:ListBucket, s3:PutObject, s3:GetObject and s3:DeleteObject on it`;
  } else if (/region/i.test(e.message ?? '') && !status) {
    msg = `no AWS region configured: set AWS_REGION (${e.message})`;
  } else {
    permanent = false;
    const detail = status ? `HTTP ${status} ${name}` : `${name}${e.code && e.code !== name ? ` ${e.code}` : ''}`;
    msg = `S3${where} is unreachable or failing (${detail}: ${(e.message ?? '').slice(0, 200)})`;
  }
  return new ArchiveTargetError(msg, permanent, { cause: err });
}
