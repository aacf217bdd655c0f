/** Builds the object target a config names (shared by the server module and the CLI). */
import type { Config } from '../config/schema.js';
import { FileTarget } from './file-target.js';
import type { ObjectTarget } from './object-target.js';
import { LazyS3Target } from './lazy-s3-target.js';
import { parseTargetSpec, type TargetSpec } from './target-spec.js';

export interface TargetTuning {
  multipartThreshold?: number;
  partSize?: number;
}

/** undefined when the archive is off (`--archive none`). */
export function openTarget(config: Pick<Config, 'archive' | 's3Endpoint'>, tuning: TargetTuning = {}): { spec: TargetSpec; target: ObjectTarget | undefined } {
  const spec = parseTargetSpec(config.archive, config.s3Endpoint);
  if (spec.kind === 'none') return { spec, target: undefined };
  if (spec.kind === 'file') return { spec, target: new FileTarget(spec.dir) };
  return { spec, target: new LazyS3Target({ bucket: spec.bucket, prefix: spec.prefix, endpoint: spec.endpoint, ...tuning }, spec.uri) };
}
