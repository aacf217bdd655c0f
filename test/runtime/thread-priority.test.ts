/**
 * The background threads (dashboard state, archive encoder) run at a lower CPU priority than the
 * event loop, and the event loop raises its own where it may (--event-loop-nice, CAP_SYS_NICE), in
 * both products: read from /proc, as the scheduler sees them (Linux only).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKGROUND_NICE } from '../../src/runtime/thread-priority.js';
import { spawnAuren, TARGETS, type Spawned } from '../helpers/binary.js';
import { tempDir } from '../helpers/config.js';

/** What the products are asked for with --event-loop-nice (off by default). */
const EVENT_LOOP_NICE = -5;

interface ThreadInfo {
  tid: number;
  name: string;
  nice: number;
}

function threads(pid: number): ThreadInfo[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the name (which may hold spaces): state is field 3, nice field 19.
    const rest = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return { tid: Number(tid), name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), nice: Number(rest[16]) };
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether this process may raise a thread's priority (CAP_SYS_NICE, bit 23 of the effective set). */
function maySetNegativeNice(): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return (BigInt(`0x${hex}`) & (1n << 23n)) !== 0n;
}

const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

describe.skipIf(!existsSync('/proc/thread-self'))('background thread priority', () => {
  const running: Spawned[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
  });

  for (const target of TARGETS) {
    it(`lowers the state and archive threads and raises the event loop, in the ${target} product`, async () => {
      const p = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', tempDir(), '--archive-flush', '1s', '--event-loop-nice', String(EVENT_LOOP_NICE)]);
      running.push(p);
      const body = [1, 2, 3].map((i) => JSON.stringify({ type: 'agent.step', agent_id: `a${i}`, trace_id: 't1' })).join('\n');
      const res = await fetch(`${p.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      expect(res.status).toBe(202);
      // The archive's encoder thread starts with the first file (after --archive-flush).
      const lowered = await waitFor('two lowered threads', () => {
        const low = threads(p.proc.pid!).filter((t) => t.nice === BACKGROUND_NICE);
        return low.length >= 2 ? low : undefined;
      });
      const all = threads(p.proc.pid!);
      const loop = maySetNegativeNice() ? EVENT_LOOP_NICE : 0;
      expect(all.find((t) => t.tid === p.proc.pid)?.nice).toBe(loop);
      expect(lowered).toHaveLength(2);
      // The rest are the runtime's own threads: started before the event loop raised its priority, or after (inherited).
      expect(all.filter((t) => t.nice !== 0 && t.nice !== loop && t.nice !== BACKGROUND_NICE)).toEqual([]);
      // Bun names its worker threads after the Worker's name option (Linux truncates to 15 bytes).
      if (target === 'bun-binary') expect(lowered.map((t) => t.name).sort()).toEqual(['auren-archive-e', 'auren-state']);
    });
  }

  for (const target of TARGETS) {
    it.skipIf(!hasSetpriv || !maySetNegativeNice())(`keeps the event loop at 0 and says why without CAP_SYS_NICE, and by default, in the ${target} product`, async () => {
      const denied = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', tempDir(), '--archive', 'none', '--event-loop-nice', String(EVENT_LOOP_NICE)], {}, 15_000, ['setpriv', '--bounding-set', '-sys_nice', '--inh-caps', '-sys_nice']);
      running.push(denied);
      expect(threads(denied.proc.pid!).find((t) => t.tid === denied.proc.pid)?.nice).toBe(0);
      expect(denied.stdout() + denied.stderr()).toContain('needs CAP_SYS_NICE');
      const off = await spawnAuren(target, ['serve', '--port', '0', '--data-dir', tempDir(), '--archive', 'none']);
      running.push(off);
      expect(threads(off.proc.pid!).find((t) => t.tid === off.proc.pid)?.nice).toBe(0);
      expect(off.stdout() + off.stderr()).not.toContain('CAP_SYS_NICE');
    });
  }
});

