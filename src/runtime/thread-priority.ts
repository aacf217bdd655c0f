/**
 * Background threads — the dashboard state and the archive encoder — run at a lower CPU priority
 * than the event loop. On a small machine every core is busy under load (the event loop, these
 * threads, the agents and clients on the same host), and the event loop is what a critical frame
 * and a 202 wait for: at equal priority the scheduler made it wait its turn behind Parquet
 * encoding and dashboard folding. Both catch up as soon as a core is free; the state's lag and the
 * archive's backlog are bounded as before (retention waits for the state; ingest sheds past the
 * archive's backlog limit).
 *
 * Linux gives each thread its own nice value, set through its thread id (/proc/thread-self). Both
 * runtimes implement os.setPriority as setpriority(2). Elsewhere the thread keeps its priority:
 * setpriority with a process id would lower the whole process, event loop included.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** nice 10: about a tenth of a core's share against a thread at 0 when both want the same core. */
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's CPU priority; false where the OS or the platform does not allow it. */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  return setThreadNice(nice);
}

/**
 * Raises the calling thread's CPU priority (a negative nice): the event loop's, so the threads that
 * wake up beside it — the runtime's own helpers, clients on the same host — wait for it rather than
 * it for them. Only a thread with CAP_SYS_NICE (or an RLIMIT_NICE that allows it) may; false when
 * it may not. Threads started afterwards inherit it (the background ones then lower themselves).
 */
export function raiseThreadPriority(nice: number): boolean {
  return setThreadNice(nice);
}

function setThreadNice(nice: number): boolean {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(tid) || tid <= 0) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
