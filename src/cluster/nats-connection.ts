/**
 * The node's one NATS connection: parsed from `--cluster`, reconnecting forever, and telling the
 * rest of cluster mode when it drops and comes back (so appends fail fast and consumers resume).
 */
import { hostname } from 'node:os';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import type { Logger } from '../core/log.js';

/**
 * `nats://[user:pass@]host:4222[,nats://host2:4222…]` → connection options. A URL with only a user
 * part (`nats://TOKEN@host`) authenticates with a token; `tls://` asks for TLS.
 */
export function parseClusterUrl(value: string): ConnectionOptions {
  const servers: string[] = [];
  const opts: ConnectionOptions = {};
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(part.includes('://') ? part : `nats://${part}`);
    } catch {
      throw new Error(`--cluster / AUREN_CLUSTER: "${part.slice(0, 60)}" is not a URL like nats://host:4222`);
    }
    if (!['nats:', 'tls:'].includes(url.protocol)) {
      throw new Error(`--cluster / AUREN_CLUSTER: "${url.protocol}" is not supported; use nats://host:4222 (or tls://)`);
    }
    if (url.protocol === 'tls:') opts.tls = {};
    if (url.username && url.password) {
      opts.user = decodeURIComponent(url.username);
      opts.pass = decodeURIComponent(url.password);
    } else if (url.username) opts.token = decodeURIComponent(url.username);
    servers.push(`${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port || '4222'}`);
  }
  if (servers.length === 0) throw new Error('--cluster / AUREN_CLUSTER is empty; use nats://host:4222');
  return { ...opts, servers };
}

/** Where credentials could leak (logs, errors): the servers only. */
export function describeServers(opts: ConnectionOptions): string {
  return ([] as string[]).concat(opts.servers ?? []).join(',');
}

export interface ClusterConnection {
  nc: NatsConnection;
  /** false from a disconnect until the client has reconnected. */
  readonly connected: boolean;
  readonly reconnects: number;
  /** Called after every reconnect (consumers resume from where they were). */
  onReconnect(fn: () => void): void;
  /** Called when the connection drops (in-flight publishes fail at once). */
  onDisconnect(fn: () => void): void;
  close(): Promise<void>;
}

/** Connects, retrying for `waitMs` so nodes may start alongside NATS; then reconnects forever. */
export async function openConnection(value: string, logger: Logger, waitMs = 15_000): Promise<ClusterConnection> {
  const opts = parseClusterUrl(value);
  const where = describeServers(opts);
  const started = Date.now();
  let nc: NatsConnection;
  for (let attempt = 1; ; attempt++) {
    try {
      nc = await connect({
        ...opts,
        name: `auren@${hostname()}:${process.pid}`,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        reconnectJitter: 250,
        // A silent network loss is noticed within ~20 s; a closed socket at once.
        pingInterval: 10_000,
        maxPingOut: 2,
        timeout: 5_000,
      });
      break;
    } catch (err) {
      if (Date.now() - started > waitMs) {
        throw new Error(`cannot reach NATS at ${where} (--cluster / AUREN_CLUSTER): ${(err as Error).message}`, { cause: err });
      }
      if (attempt === 1) logger.warn('NATS not reachable yet; retrying', { servers: where, err });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  let connected = true;
  let reconnects = 0;
  const onReconnect: (() => void)[] = [];
  const onDisconnect: (() => void)[] = [];
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        if (!connected) continue;
        connected = false;
        logger.warn('lost the connection to NATS; ingest answers 503 until it is back', { server: String(s.data) });
        for (const fn of onDisconnect) fn();
      } else if (s.type === 'reconnect') {
        connected = true;
        reconnects++;
        logger.info('reconnected to NATS', { server: String(s.data) });
        for (const fn of onReconnect) fn();
      } else if (s.type === 'error') {
        logger.warn('NATS error', { err: String(s.data) });
      }
    }
  })();
  logger.info('connected to NATS', { servers: where, version: nc.info?.version });
  return {
    nc,
    get connected() {
      return connected && !nc.isClosed();
    },
    get reconnects() {
      return reconnects;
    },
    onReconnect: (fn) => void onReconnect.push(fn),
    onDisconnect: (fn) => void onDisconnect.push(fn),
    async close() {
      connected = false;
      if (nc.isClosed()) return;
      // drain() waits for in-flight messages; bounded, since a dead server would stall it.
      await Promise.race([nc.drain().catch(() => nc.close()), new Promise((r) => setTimeout(r, 3000))]);
      if (!nc.isClosed()) await nc.close();
    },
  };
}
