/** Test helpers for cluster mode: the machine's NATS, unique stream names, a private nats-server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { archiveNames } from '../../src/cluster/names.js';

/** The shared NATS with JetStream on this machine (override with AUREN_TEST_NATS). */
export const NATS_URL = process.env.AUREN_TEST_NATS ?? 'nats://127.0.0.1:4222';
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

let counter = 0;
/** A stream name no other test (or developer) uses. */
export function uniqueStream(tag = 'T'): string {
  return `AUREN_TEST_${tag}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/** Deletes a test cluster's streams (events and archive segments); missing ones are fine. */
export async function deleteStreams(stream: string, url = NATS_URL): Promise<void> {
  const nc = await connect({ servers: url.replace('nats://', '') });
  try {
    const jsm = await nc.jetstreamManager();
    for (const name of [stream, archiveNames(stream).stream]) await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** A nats-server of our own (JetStream on, its own store dir), so a test may stop and restart it. */
export class PrivateNats {
  proc: ChildProcess | undefined;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'auren-nats-'));
  constructor(
    readonly port: number,
    /** Extra nats-server arguments (cluster name, routes, server name). */
    readonly extra: string[] = [],
  ) {}

  /** Clustered servers need longer to elect a JetStream leader. */
  extraWaitMs = 0;

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, ...this.extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const nc = await connect({ servers: `127.0.0.1:${this.port}`, timeout: 500 });
        try {
          // In a cluster JetStream answers once a meta leader is elected.
          await (await nc.jetstreamManager({ timeout: 1000 })).getAccountInfo();
        } finally {
          await nc.close();
        }
        return;
      } catch {
        if (proc.exitCode !== null || Date.now() > deadline + this.extraWaitMs) throw new Error(`nats-server did not start on ${this.port}: ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** SIGKILL: the harshest stop (no flush, no goodbye to clients). */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.on('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
