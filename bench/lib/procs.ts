/**
 * Child processes of a run: every server, load generator and client process is started here, so one
 * place can stop them all — at the end, on Ctrl-C, or when the harness fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with the first unread stdout line matching re, consuming it and the lines before it
   * (rejects when the process exits first or time runs out).
   */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  send(line: string): void;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<Child>();

export function startChild(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  proc.stderr!.on('data', (d) => {
    err += d;
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    if (out.length < 200_000) out += l + '\n';
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code, sig) => r(code ?? (sig ? 128 : null))));
  const child: Child = {
    name,
    proc,
    pid: proc.pid!,
    exited,
    stdout: () => out,
    stderr: () => err,
    async waitFor(re, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (let i = 0; i < lines.length; i++) {
          const m = re.exec(lines[i]);
          if (m) {
            lines.splice(0, i + 1);
            return m;
          }
        }
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before printing ${re}\n${err.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`${name} printed no ${re} within ${timeoutMs} ms\n${err.slice(-2000)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    send(line) {
      proc.stdin!.write(line + '\n');
    },
    async stop(graceMs = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      running.delete(child);
      return proc.exitCode;
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** Stops every child still running (used at the end and on interruption). */
export async function stopAll(graceMs = 3000): Promise<void> {
  await Promise.all([...running].map((c) => c.stop(graceMs)));
}

/** Resident set size of a process in bytes (current and peak), from /proc. */
export function rssOf(pid: number): { rss: number; peak: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (0 once it is gone). */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of each thread of a process so far, by thread id, with the thread's name. */
export function threadCpuOf(pid: number): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      // The name sits in parentheses and may hold spaces; the fields follow the last ')'.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), { name: Number(t) === pid ? 'event loop' : name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * Cores each kind of thread used between two threadCpuOf readings, by thread name (threads of one
 * name, such as the collector's helpers, summed), largest first.
 */
export function threadCores(before: ReturnType<typeof threadCpuOf>, after: ReturnType<typeof threadCpuOf>, seconds: number): [string, number][] {
  const byName = new Map<string, number>();
  for (const [tid, t] of after) byName.set(t.name, (byName.get(t.name) ?? 0) + t.seconds - (before.get(tid)?.seconds ?? 0));
  return [...byName].map(([name, s]) => [name, s / seconds] as [string, number]).sort((a, b) => b[1] - a[1]);
}

/** Samples a process's RSS every intervalMs until stopped; reports the highest value seen. */
export function sampleRss(pid: number, intervalMs = 250): { stop(): { max: number; last: number } } {
  let max = 0;
  let last = 0;
  const t = setInterval(() => {
    last = rssOf(pid).rss;
    if (last > max) max = last;
  }, intervalMs);
  return {
    stop() {
      clearInterval(t);
      last = rssOf(pid).rss || last;
      return { max: Math.max(max, last), last };
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
