/**
 * The product under soak as a child process on a fixed port (so clients reconnect to the same URL
 * across restarts): the Bun binary or the Node build, with kill -9, SIGTERM and RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type Target = 'bun-binary' | 'node';
const ROOT = resolve(import.meta.dirname, '../..');

export class ServerProcess {
  private proc: ChildProcess | undefined;
  private exit: Promise<number | null> = Promise.resolve(null);
  stderrTail = '';
  readonly url: string;

  constructor(
    readonly target: Target,
    readonly port: number,
    private readonly args: string[],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  private command(): [string, string[]] {
    if (this.target === 'bun-binary') {
      const bin = resolve(ROOT, 'dist/auren');
      if (!existsSync(bin)) throw new Error('dist/auren is missing: run npm run build');
      return [bin, []];
    }
    const js = resolve(ROOT, 'dist/node/main.node.js');
    if (!existsSync(js)) throw new Error('dist/node/main.node.js is missing: run npm run build');
    return ['node', [js]];
  }

  /** Starts the server and resolves once it listens (retries while the port is still held). */
  async start(timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const [cmd, pre] = this.command();
      const proc = spawn(cmd, [...pre, 'serve', '--port', String(this.port), ...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.proc = proc;
      this.exit = new Promise((r) => proc.on('exit', (code) => r(code)));
      proc.stderr!.on('data', (d) => (this.stderrTail = (this.stderrTail + d).slice(-4000)));
      const ok = await new Promise<boolean>((r) => {
        proc.stdout!.on('data', (d) => String(d).includes('auren listening on') && r(true));
        void this.exit.then(() => r(false));
      });
      if (ok) return;
      if (Date.now() - started > timeoutMs) throw new Error(`the server did not start: ${this.stderrTail.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async kill9(): Promise<void> {
    this.proc?.kill('SIGKILL');
    await this.exit;
  }

  /** Graceful stop; returns the exit code (SIGKILL after the timeout, then null). */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (!this.proc || this.proc.exitCode !== null) return this.proc?.exitCode ?? null;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc?.kill('SIGKILL'), timeoutMs);
    const code = await this.exit;
    clearTimeout(t);
    return code;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  rssMb(): number {
    if (!this.running) return 0;
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.proc!.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  }
}
