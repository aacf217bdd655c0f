/**
 * The one source of truth for every setting: flag, environment variable, default, help text and parser.
 * Precedence is flag > env > default (see load.ts).
 */
import { TIERS, type Tier } from '../core/event.js';
import { parseDuration, parseSize } from './duration.js';
import { DEFAULT_STORM_WINDOW, DEFAULT_VOLATILE, parseStormWindow, parseVolatileFields, type StormWindows } from '../storm/storm-config.js';

export interface TierBatch {
  intervalMs: number;
  maxEvents: number;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  archive: string;
  s3Endpoint: string | undefined;
  archiveFlushMs: number;
  /** Compression level of archive files; undefined = the codec's own default (see archive/compression.ts). */
  archiveLevel: number | undefined;
  archiveRetention: Partial<Record<Tier, number>>;
  apiKeys: string | undefined;
  apiKeysFile: string | undefined;
  insecure: boolean;
  cluster: string | undefined;
  clusterStream: string;
  clusterReplicas: number;
  retention: Record<Tier, number>;
  dedupWindowMs: number;
  maxBodyBytes: number;
  maxEventBytes: number;
  batch: Record<Exclude<Tier, 'critical'>, TierBatch>;
  tierRules: string | undefined;
  clientRateFrames: number;
  clientRateBytes: number;
  clientBufferBytes: number;
  maxClients: number;
  maxClientsPerAddress: number;
  clientIpHeader: string | undefined;
  maxInflight: number;
  maxInflightBytes: number;
  maxInflightShare: number;
  bodyTimeoutMs: number;
  minBodyRate: number;
  heartbeatMs: number;
  corsOrigin: string | undefined;
  prices: string | undefined;
  drainTimeoutMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  eventLoopNice: number;
  stormWindow: StormWindows;
  stormVolatile: string[];
}

export interface OptionSpec<K extends keyof Config = keyof Config> {
  key: K;
  flag: string;
  env: string;
  /** Default as the user would type it; undefined = unset. A function derives it from other settings. */
  def: string | undefined | ((c: Partial<Config>) => string);
  help: string;
  parse: (text: string) => Config[K];
  /** A flag that takes no value (`--insecure`). */
  boolean?: boolean;
}

/** `critical=72h,analytical=6h` → per-tier values, every tier named must exist. */
export function parseTierMap<T>(text: string, parseValue: (v: string) => T): Partial<Record<Tier, T>> {
  const out: Partial<Record<Tier, T>> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [tier, value] = part.split('=');
    if (!TIERS.includes(tier as Tier) || value === undefined) {
      throw new Error(`"${part}" must be TIER=VALUE with TIER one of ${TIERS.join(', ')}`);
    }
    out[tier as Tier] = parseValue(value);
  }
  return out;
}

function parseBatch(text: string): Config['batch'] {
  // operational=100ms/50,analytical=500ms/200
  const defaults: Config['batch'] = {
    operational: { intervalMs: 100, maxEvents: 50 },
    analytical: { intervalMs: 500, maxEvents: 200 },
  };
  const map = parseTierMap(text, (v) => {
    const [interval, max] = v.split('/');
    const maxEvents = Number(max);
    if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new Error(`"${v}" must be INTERVAL/MAX_EVENTS, e.g. 100ms/50`);
    const intervalMs = parseDuration(interval);
    if (intervalMs < 1) throw new Error(`"${v}": the interval must be at least 1ms`);
    return { intervalMs, maxEvents };
  });
  if (map.critical) throw new Error('critical events are never batched; configure operational and analytical only');
  return { ...defaults, ...(map as Partial<Config['batch']>) };
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`"${text}" is not a port (0-65535; 0 picks a free port)`);
  return n;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`"${text}" must be a positive integer`);
  return n;
}

function positiveDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms <= 0) throw new Error(`"${text}" must be longer than 0`);
  return ms;
}

/** `50%` or `0.5`: a fraction above 0, at most 1. */
function parseShare(text: string): number {
  const t = text.trim();
  const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (!(n > 0 && n <= 1)) throw new Error(`"${text}" must be a share above 0 and at most 100%, e.g. 50% or 0.5`);
  return n;
}

/** `1KiB/s` (or `1KiB`): bytes per second, above 0. */
function parseRate(text: string): number {
  const n = parseSize(text.trim().replace(/\/s$/i, ''));
  if (n <= 0) throw new Error(`"${text}" must be a rate above 0, e.g. 1KiB/s`);
  return n;
}

const str = (t: string) => t;
const optStr = (t: string): string | undefined => (t === '' ? undefined : t);

export const OPTIONS: OptionSpec[] = [
  { key: 'host', flag: '--host', env: 'AUREN_HOST', def: '127.0.0.1', help: 'Address to listen on', parse: str },
  { key: 'port', flag: '--port', env: 'AUREN_PORT', def: '8080', help: 'Port to listen on; 0 picks a free port', parse: parsePort },
  { key: 'dataDir', flag: '--data-dir', env: 'AUREN_DATA_DIR', def: './data', help: 'Folder for the SQLite store (auren.db) and the dashboard state (state.db)', parse: str },
  {
    key: 'archive', flag: '--archive', env: 'AUREN_ARCHIVE',
    def: (c) => `file://${c.dataDir ?? './data'}/archive`,
    help: 'Archive target: file://DIR, s3://BUCKET/PREFIX or none', parse: str,
  },
  { key: 's3Endpoint', flag: '--s3-endpoint', env: 'AUREN_S3_ENDPOINT', def: undefined, help: 'S3 endpoint for MinIO, Tigris, R2 (path-style)', parse: optStr },
  { key: 'archiveFlushMs', flag: '--archive-flush', env: 'AUREN_ARCHIVE_FLUSH', def: '60s', help: 'Longest time an archive file stays open', parse: positiveDuration },
  {
    key: 'archiveLevel', flag: '--archive-level', env: 'AUREN_ARCHIVE_LEVEL', def: undefined,
    help: 'Archive compression level: zstd 1-19 on the Bun binary, gzip 1-9 on Node (unset = 9 / 6, and 3 while the archive is behind)',
    parse: (t) => { const n = positiveInt(t); if (n > 19) throw new Error(`"${t}" must be 1 to 19`); return n; },
  },
  {
    key: 'archiveRetention', flag: '--archive-retention', env: 'AUREN_ARCHIVE_RETENTION', def: undefined,
    help: 'Per-tier archive expiry, e.g. critical=90d,analytical=7d (unset = keep)', parse: (t) => parseTierMap(t, positiveDuration),
  },
  { key: 'apiKeys', flag: '--api-keys', env: 'AUREN_API_KEYS', def: undefined, help: 'KEY=PROJECT:ROLE,… (roles ingest, read, admin, metrics); unset = auth off', parse: optStr },
  { key: 'apiKeysFile', flag: '--api-keys-file', env: 'AUREN_API_KEYS_FILE', def: undefined, help: 'File with one KEY=PROJECT:ROLE per line, reloaded on SIGHUP', parse: optStr },
  { key: 'insecure', flag: '--insecure', env: 'AUREN_INSECURE', def: 'false', help: 'Allow a non-loopback host without API keys', parse: parseBool, boolean: true },
  { key: 'cluster', flag: '--cluster', env: 'AUREN_CLUSTER', def: undefined, help: 'nats://HOST:4222 = cluster mode on NATS JetStream', parse: optStr },
  { key: 'clusterStream', flag: '--cluster-stream', env: 'AUREN_CLUSTER_STREAM', def: 'AUREN', help: 'JetStream stream name shared by the nodes of one cluster', parse: str },
  { key: 'clusterReplicas', flag: '--cluster-replicas', env: 'AUREN_CLUSTER_REPLICAS', def: '1', help: 'JetStream replicas of the cluster streams (1-5, at most the NATS servers)', parse: (t) => { const n = positiveInt(t); if (n > 5) throw new Error(`"${t}" must be 1 to 5`); return n; } },
  {
    key: 'retention', flag: '--retention', env: 'AUREN_RETENTION', def: 'critical=72h,operational=24h,analytical=6h',
    help: 'How long each tier stays in the hot store', parse: (t) => ({ critical: 72 * 3_600_000, operational: 24 * 3_600_000, analytical: 6 * 3_600_000, ...parseTierMap(t, positiveDuration) }),
  },
  { key: 'dedupWindowMs', flag: '--dedup-window', env: 'AUREN_DEDUP_WINDOW', def: '10m', help: 'An event id seen again within this window is a duplicate', parse: positiveDuration },
  { key: 'maxBodyBytes', flag: '--max-body', env: 'AUREN_MAX_BODY', def: '5MiB', help: 'Largest request body (after gzip decoding)', parse: parseSize },
  { key: 'maxEventBytes', flag: '--max-event-data', env: 'AUREN_MAX_EVENT_DATA', def: '64KiB', help: 'Largest serialized `data` of one event', parse: parseSize },
  { key: 'batch', flag: '--batch', env: 'AUREN_BATCH', def: 'operational=100ms/50,analytical=500ms/200', help: 'Stream batching per tier: INTERVAL/MAX_EVENTS', parse: parseBatch },
  { key: 'tierRules', flag: '--tier-rules', env: 'AUREN_TIER_RULES', def: undefined, help: 'Extra classification rules GLOB=TIER,… checked before the defaults', parse: optStr },
  { key: 'clientRateFrames', flag: '--client-rate-frames', env: 'AUREN_CLIENT_RATE_FRAMES', def: '2000', help: 'Frames per second one stream client may receive', parse: positiveInt },
  { key: 'clientRateBytes', flag: '--client-rate-bytes', env: 'AUREN_CLIENT_RATE_BYTES', def: '16MiB', help: 'Bytes per second one stream client may receive', parse: parseSize },
  { key: 'clientBufferBytes', flag: '--client-buffer', env: 'AUREN_CLIENT_BUFFER', def: '1MiB', help: 'Outbound bytes queued for one client before it is lagged or closed', parse: parseSize },
  { key: 'maxClients', flag: '--max-clients', env: 'AUREN_MAX_CLIENTS', def: '10000', help: 'Most stream clients at once', parse: positiveInt },
  {
    key: 'maxClientsPerAddress', flag: '--max-clients-per-address', env: 'AUREN_MAX_CLIENTS_PER_ADDRESS',
    // Half of a small --max-clients, so by default one address never fills the server.
    def: (c) => String(Math.max(1, Math.min(100, Math.floor((c.maxClients ?? 10_000) / 2)))),
    help: 'Most stream clients from one address (IPv6: /64) at once; more get 429. Default 100, or half of --max-clients if less; behind a reverse proxy all clients share its address: raise it',
    parse: positiveInt,
  },
  {
    key: 'clientIpHeader', flag: '--client-ip-header', env: 'AUREN_CLIENT_IP_HEADER', def: undefined, parse: optStr,
    help: 'Header a reverse proxy sets to the client address (last address in it), e.g. Fly-Client-IP; per-address limits then count it instead of the proxy. Only behind a proxy that sets it',
  },
  { key: 'maxInflight', flag: '--max-inflight', env: 'AUREN_MAX_INFLIGHT', def: '64', help: 'Most ingest request bodies read at once; more get 429', parse: positiveInt },
  { key: 'maxInflightBytes', flag: '--max-inflight-bytes', env: 'AUREN_MAX_INFLIGHT_BYTES', def: '64MiB', help: 'Most bytes held by ingest bodies being read or processed; more get 429', parse: parseSize },
  { key: 'maxInflightShare', flag: '--max-inflight-share', env: 'AUREN_MAX_INFLIGHT_SHARE', def: '50%', help: 'Share of --max-inflight and --max-inflight-bytes one client address (IPv6: /64) may hold', parse: parseShare },
  { key: 'bodyTimeoutMs', flag: '--body-timeout', env: 'AUREN_BODY_TIMEOUT', def: '60s', help: 'An ingest body not complete within this is cut off with 408', parse: positiveDuration },
  { key: 'minBodyRate', flag: '--min-body-rate', env: 'AUREN_MIN_BODY_RATE', def: '1KiB/s', help: 'An ingest body slower than this (after its first 10 s) is cut off with 408', parse: parseRate },
  { key: 'heartbeatMs', flag: '--heartbeat', env: 'AUREN_HEARTBEAT', def: '15s', help: 'Idle stream heartbeat interval', parse: positiveDuration },
  { key: 'corsOrigin', flag: '--cors-origin', env: 'AUREN_CORS_ORIGIN', def: undefined, help: 'Origin allowed to call the API from a browser (off by default)', parse: optStr },
  { key: 'prices', flag: '--prices', env: 'AUREN_PRICES', def: undefined, help: 'JSON file of price overrides for private models', parse: optStr },
  {
    key: 'stormWindow', flag: '--storm-window', env: 'AUREN_STORM_WINDOW', def: DEFAULT_STORM_WINDOW, parse: parseStormWindow,
    help: 'Live-stream storm control window: 1s, off, or per tier (critical=500ms,analytical=off)',
  },
  { key: 'stormVolatile', flag: '--storm-volatile', env: 'AUREN_STORM_VOLATILE', def: DEFAULT_VOLATILE, help: 'Top-level data keys ignored when matching repeats (or none)', parse: parseVolatileFields },
  {
    key: 'drainTimeoutMs', flag: '--drain-timeout', env: 'AUREN_DRAIN_TIMEOUT', def: '10s', parse: positiveDuration,
    help: 'On SIGTERM, connections still open after this (slow uploads, streams) are cut; keep it under your orchestrator\'s grace period',
  },
  {
    key: 'eventLoopNice', flag: '--event-loop-nice', env: 'AUREN_EVENT_LOOP_NICE', def: '0',
    help: 'CPU priority (nice, -20 to 0) the event loop asks for, e.g. -5; needs CAP_SYS_NICE or a nice limit (ulimit -e) of 20 minus it, else it stays at 0; 0 = leave it',
    parse: (t) => {
      const n = Number(t);
      if (!Number.isInteger(n) || n < -20 || n > 0) throw new Error(`"${t}" must be a whole number from -20 to 0`);
      return n;
    },
  },
  {
    key: 'logLevel', flag: '--log-level', env: 'AUREN_LOG_LEVEL', def: 'info', help: 'debug, info, warn or error',
    parse: (t) => {
      if (!['debug', 'info', 'warn', 'error'].includes(t)) throw new Error(`"${t}" must be debug, info, warn or error`);
      return t as Config['logLevel'];
    },
  },
];

function parseBool(text: string): boolean {
  if (['1', 'true', 'yes', ''].includes(text.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(text.toLowerCase())) return false;
  throw new Error(`"${text}" must be true or false`);
}
