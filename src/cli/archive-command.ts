/**
 * `auren archive ls | verify | lifecycle`: operator commands on the archive. They take the same
 * --archive, --s3-endpoint, --data-dir and --archive-retention settings (flags or env) as `serve`,
 * so pointing them at a running server's archive needs no extra configuration.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatInventory, inventory } from '../archive/archive-inventory.js';
import { formatVerify, verifyArchive } from '../archive/archive-verify.js';
import { installLifecycle, lifecycleRules, LifecycleUnsupportedError } from '../archive/lifecycle-rules.js';
import { ArchiveTargetError, type ObjectTarget } from '../archive/object-target.js';
import { LazyS3Target } from '../archive/lazy-s3-target.js';
import { openTarget } from '../archive/open-target.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { TIERS, type Tier } from '../core/event.js';
import type { Runtime } from '../runtime/types.js';
import type { Command } from './commands.js';

const HELP = `Usage: auren archive <ls|verify|lifecycle> [flags]

  ls          List the archive's partitions (objects, size, seq range)
                --tier TIER   only this tier      --objects   one line per object      --json
  verify      Check that every event in the hot store is in the archive exactly once and in the
              partition of its tier and ts; exits 1 on missing, duplicate or misplaced rows
                --json
  lifecycle   Install bucket lifecycle rules matching --archive-retention, plus one that aborts
              stale multipart uploads (S3 targets only; other rules of the bucket are kept)
                --dry-run     print the rules instead of installing them
              (exit 3 when the store has no lifecycle API, e.g. s3rver)

Settings as for "auren serve" (flag > env > default): --archive / AUREN_ARCHIVE,
--s3-endpoint / AUREN_S3_ENDPOINT, --data-dir / AUREN_DATA_DIR, --archive-retention /
AUREN_ARCHIVE_RETENTION. S3 credentials come from the standard AWS variables.
`;

interface Parsed {
  sub: string;
  flags: Set<string>;
  tier: Tier | undefined;
  config: Config;
}

function parse(args: string[]): Parsed {
  const [sub, ...rest] = args;
  const flags = new Set<string>();
  let tier: Tier | undefined;
  const configArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (['--json', '--objects', '--dry-run'].includes(a)) flags.add(a);
    else if (a === '--tier' || a.startsWith('--tier=')) {
      const v = a.includes('=') ? a.slice(7) : rest[++i];
      if (!TIERS.includes(v as Tier)) throw new ConfigError(`--tier must be one of ${TIERS.join(', ')}`);
      tier = v as Tier;
    } else configArgs.push(a);
  }
  return { sub, flags, tier, config: loadConfig(configArgs, process.env) };
}

function target(config: Config): ObjectTarget {
  const { target: t } = openTarget(config);
  if (!t) throw new ConfigError('in --archive / AUREN_ARCHIVE: the archive is off ("none"); name the archive to work on, e.g. --archive s3://bucket/prefix');
  return t;
}

async function ls(p: Parsed): Promise<number> {
  const t = target(p.config);
  try {
    const inv = await inventory(t, p.tier);
    process.stdout.write(p.flags.has('--json') ? JSON.stringify({ target: t.uri, ...inv }, null, 2) + '\n' : formatInventory(inv, t.uri, p.flags.has('--objects')));
    return 0;
  } finally {
    t.close();
  }
}

async function verify(p: Parsed, runtime: Runtime): Promise<number> {
  const t = target(p.config);
  const path = join(p.config.dataDir, 'auren.db');
  if (!existsSync(path)) throw new ConfigError(`in --data-dir / AUREN_DATA_DIR: no store at ${path}; point --data-dir at the server's data folder`);
  const db = runtime.openSqlite(path);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const tty = process.stderr.isTTY;
    const report = await verifyArchive({
      target: t, db, retention: p.config.archiveRetention ?? {}, now: Date.now(),
      onObject: (n) => tty && n % 50 === 0 && process.stderr.write(`\rread ${n} objects…`),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(p.flags.has('--json') ? JSON.stringify(report, null, 2) + '\n' : formatVerify(report));
    return report.ok ? 0 : 1;
  } finally {
    db.close();
    t.close();
  }
}

async function lifecycle(p: Parsed): Promise<number> {
  const t = target(p.config);
  try {
    if (!(t instanceof LazyS3Target)) {
      process.stderr.write(`auren: ${t.uri} is a local folder: lifecycle rules exist only for S3 buckets; the server's sweeper enforces --archive-retention there\n`);
      return 1;
    }
    const s3 = await t.load();
    const rules = lifecycleRules(s3.prefix, p.config.archiveRetention ?? {});
    if (p.flags.has('--dry-run')) {
      process.stdout.write(JSON.stringify({ Bucket: s3.bucket, Rules: rules }, null, 2) + '\n');
      return 0;
    }
    const r = await installLifecycle(s3, rules);
    process.stdout.write(`${t.uri}: installed ${r.installed} lifecycle rules (${rules.map((x) => x.ID).join(', ')}); kept ${r.kept} other rules of the bucket\n`);
    if (!p.config.archiveRetention || Object.keys(p.config.archiveRetention).length === 0) {
      process.stdout.write('note: no --archive-retention set, so only the rule that aborts stale multipart uploads was installed\n');
    }
    return 0;
  } catch (err) {
    if (err instanceof LifecycleUnsupportedError) {
      process.stderr.write(`auren: ${err.message}\n`);
      return 3;
    }
    throw err;
  } finally {
    t.close();
  }
}

export const archiveCommand: Command = {
  name: 'archive',
  summary: 'Inspect and check the Parquet archive (ls, verify, lifecycle)',
  async run(args, runtime) {
    if (args.length === 0 || ['--help', '-h', 'help'].includes(args[0]) || args.includes('--help')) {
      process.stdout.write(HELP);
      return args.length === 0 ? 2 : 0;
    }
    const p = parse(args);
    try {
      if (p.sub === 'ls') return await ls(p);
      if (p.sub === 'verify') return await verify(p, runtime);
      if (p.sub === 'lifecycle') return await lifecycle(p);
    } catch (err) {
      if (err instanceof ArchiveTargetError) {
        process.stderr.write(`auren: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    process.stderr.write(`auren: unknown archive command "${p.sub}"\n\n${HELP}`);
    return 2;
  },
};
