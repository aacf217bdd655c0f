/**
 * Bun's allocator (mimalloc) hands a page back to the OS 10 ms after it empties. Under steady ingest
 * the server frees and takes again tens of MiB a second — the dashboard state thread's rows and
 * strings above all — so most of what is handed back is faulted in again moments later: a thread
 * of madvise calls, page faults and TLB flushes on every core, paid by the event loop too. With a
 * delay of seconds a page that is reused soon stays mapped; memory left over after a burst still
 * goes back, only later.
 *
 * mimalloc reads its options from the environment once, as the process starts, so `auren serve`
 * re-executes itself (same process id, arguments and descriptors) with the option set. A value the
 * environment already holds is kept: MIMALLOC_PURGE_DELAY is the operator's to choose.
 */
export const PURGE_DELAY_VAR = 'MIMALLOC_PURGE_DELAY';
/** Milliseconds an empty page stays mapped before it goes back to the OS. */
export const PURGE_DELAY_MS = 10_000;

/** process.execve (Bun, Node ≥ 23.11): the typings of Node 20 do not have it yet. */
type Execve = (file: string, args: string[], env: Record<string, string | undefined>) => never;

/** Re-executes the process with the allocator tuned, once, for the long-running command; else returns. */
export function tuneAllocator(argv: readonly string[], command: string | undefined): void {
  const execve = (process as { execve?: Execve }).execve;
  if (command !== 'serve' || process.env[PURGE_DELAY_VAR] !== undefined || typeof execve !== 'function') return;
  // A compiled binary's argv[1] is its embedded entry ("/$bunfs/…"), which the binary adds by itself.
  const compiled = argv[1]?.startsWith('/$bunfs/') === true;
  const args = compiled ? [process.execPath, ...argv.slice(2)] : [process.execPath, ...process.execArgv, ...argv.slice(1)];
  execve(process.execPath, args, { ...process.env, [PURGE_DELAY_VAR]: String(PURGE_DELAY_MS) });
}
