/** Parses `--archive` (file://DIR, s3://BUCKET/PREFIX, none) into a target spec; bad values fail fast. */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/load.js';

export type TargetSpec =
  | { kind: 'none' }
  | { kind: 'file'; dir: string; uri: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint: string | undefined; uri: string };

const WHERE = '--archive / AUREN_ARCHIVE';
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * @example parseTargetSpec('s3://logs/auren', undefined) // { kind: 's3', bucket: 'logs', prefix: 'auren', … }
 */
export function parseTargetSpec(text: string, s3Endpoint: string | undefined): TargetSpec {
  const t = text.trim();
  if (t === 'none' || t === 'off') return { kind: 'none' };
  if (t.startsWith('file://')) return { kind: 'file', dir: fileDir(t), uri: t };
  if (t.startsWith('s3://')) return s3Spec(t, s3Endpoint);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(t)?.[1];
  const what = scheme ? `the scheme "${scheme}:" is not supported` : `"${t}" is not an archive target`;
  throw new ConfigError(`in ${WHERE}: ${what}; use file://DIR, s3://BUCKET/PREFIX or none`);
}

function fileDir(t: string): string {
  const rest = t.slice('file://'.length);
  if (rest === '') throw new ConfigError(`in ${WHERE}: "${t}" names no folder; use e.g. file://./data/archive or file:///var/lib/auren/archive`);
  // file:///abs/path is a proper URL; file://./rel and file://rel are accepted as relative paths.
  const path = rest.startsWith('/') ? fileURLToPath(t) : rest;
  return isAbsolute(path) ? path : resolve(path);
}

function s3Spec(t: string, endpoint: string | undefined): TargetSpec {
  const rest = t.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
  if (!BUCKET.test(bucket)) {
    throw new ConfigError(`in ${WHERE}: "${bucket}" is not a bucket name (3-63 lowercase letters, digits, dots, hyphens); use s3://BUCKET/PREFIX`);
  }
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new ConfigError(`in --s3-endpoint / AUREN_S3_ENDPOINT: "${endpoint}" must be an http:// or https:// URL, e.g. http://127.0.0.1:9000`);
  }
  return { kind: 's3', bucket, prefix, endpoint, uri: `s3://${bucket}${prefix ? '/' + prefix : ''}` };
}
