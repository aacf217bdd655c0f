/**
 * Runs the built product as a child process: the compiled Bun binary (dist/auren) or the Node build
 * (node dist/node/main.node.js). `npm test` builds both first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type Target = 'bun-binary' | 'node';
export const ROOT = resolve(import.meta.dirname, '../..');
export const TARGETS: Target[] = ['bun-binary', 'node'];

export function command(target: Target): [string, string[]] {
  if (target === 'bun-binary') {
    const bin = resolve(ROOT, 'dist/auren');
    if (!existsSync(bin)) throw new Error('dist/auren is missing: run npm run build');
    return [bin, []];
  }
  const js = resolve(ROOT, 'dist/node/main.node.js');
  if (!existsSync(js)) throw new Error('dist/node/main.node.js is missing: run npm run build:node');
  return [process.execPath, [js]];
}

export interface Spawned {
  proc: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then wait for exit (SIGKILL after the timeout). */
  stop(timeoutMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
}

/** `wrapper` runs the product through another command that execs it (e.g. setpriv), keeping its pid. */
export async function spawnAuren(target: Target, args: string[], env: Record<string, string> = {}, timeoutMs = 15_000, wrapper: string[] = []): Promise<Spawned> {
  const [cmd, pre] = command(target);
  const [exe, ...argv] = [...wrapper, cmd, ...pre, ...args];
  const proc = spawn(exe, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const t = setTimeout(() => reject(new Error(`no "auren listening on" line within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
    const check = () => {
      const m = /auren listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolveUrl(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`auren exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    proc,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(ms = 10_000) {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    async kill9() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs a one-shot CLI command and returns its output and exit code. */
export function runAuren(target: Target, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, pre] = command(target);
  return new Promise((res) => {
    const proc = spawn(cmd, [...pre, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code) => res({ code, stdout, stderr }));
  });
}
