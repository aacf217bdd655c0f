/**
 * `auren archive lifecycle`: bucket lifecycle rules as a backstop to the app's hour-level sweeper —
 * one expiry per tier with --archive-retention (whole days, one day later than the app would
 * delete, since S3 rounds expiry to midnight UTC) and one that aborts multipart uploads left
 * behind by a crash. Rules of other tools and other prefixes in the bucket are kept.
 */
import {
  GetBucketLifecycleConfigurationCommand, PutBucketLifecycleConfigurationCommand, type LifecycleRule,
} from '@aws-sdk/client-s3';
import { TIERS, type Tier } from '../core/event.js';
import { statusOf } from './s3-errors.js';
import type { S3Target } from './s3-target.js';

const DAY_MS = 86_400_000;

export function ruleIdBase(prefix: string): string {
  return `auren:${prefix || '/'}:`;
}

export function lifecycleRules(prefix: string, retention: Partial<Record<Tier, number>>): LifecycleRule[] {
  const root = prefix ? prefix + '/' : '';
  const base = ruleIdBase(prefix);
  const rules: LifecycleRule[] = [];
  for (const tier of TIERS) {
    const window = retention[tier];
    if (window === undefined) continue;
    rules.push({
      ID: `${base}expire-${tier}`,
      Status: 'Enabled',
      Filter: { Prefix: `${root}tier=${tier}/` },
      Expiration: { Days: Math.ceil(window / DAY_MS) + 1 },
    });
  }
  rules.push({
    ID: `${base}abort-incomplete-multipart`,
    Status: 'Enabled',
    Filter: { Prefix: root },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  });
  return rules;
}

export class LifecycleUnsupportedError extends Error {}

function unsupported(err: unknown, target: S3Target): never | void {
  const status = statusOf(err);
  const name = (err as { name?: string })?.name ?? '';
  if (status === 501 || status === 405 || name === 'NotImplemented' || name === 'MethodNotAllowed') {
    throw new LifecycleUnsupportedError(
      `${target.uri}: this store does not implement bucket lifecycle rules (HTTP ${status ?? '?'} ${name}). ` +
        'The running server still enforces --archive-retention hour by hour; stale multipart uploads must be cleaned up by other means.',
    );
  }
}

/** Installs `rules`, replacing earlier auren rules for this prefix and keeping every other rule. */
export async function installLifecycle(target: S3Target, rules: LifecycleRule[]): Promise<{ kept: number; installed: number }> {
  const base = ruleIdBase(target.prefix);
  let existing: LifecycleRule[] = [];
  try {
    existing = (await target.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: target.bucket }))).Rules ?? [];
  } catch (err) {
    unsupported(err, target);
    if ((err as { name?: string }).name !== 'NoSuchLifecycleConfiguration') throw err;
  }
  const kept = existing.filter((r) => !r.ID?.startsWith(base));
  try {
    await target.client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: target.bucket, LifecycleConfiguration: { Rules: [...kept, ...rules] } }));
  } catch (err) {
    unsupported(err, target);
    throw err;
  }
  return { kept: kept.length, installed: rules.length };
}
