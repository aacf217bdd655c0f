/**
 * Two memory settings for a long-running server, both read once as the process starts:
 *
 * - MIMALLOC_PURGE_DELAY=1000. Bun's allocator (mimalloc) hands a page back to the OS 10 ms after
 *   it empties. Under steady ingest the server frees and takes again tens of MiB a second — the
 *   dashboard state thread's rows and strings above all — so most of what is handed back is faulted
 *   in again moments later: madvise calls, page faults and TLB flushes on every core, paid by the
 *   event loop too. With a delay of a second a page that is reused soon stays mapped, and memory left
 *   over after a burst still goes back. (10 s saved ~0.3 µs per event more; never purging a little
 *   more again but kept every peak: the slow-consumer test then ended above its 300 MB.)
 * - BUN_JSC_useWarmUpMarkedBlocks=0. JavaScriptCore keeps a supply of collector blocks whose pages a
 *   helper thread (JSCWarmUp) has touched in advance, so a heap that is ramping up does not take the
 *   page faults on its own thread. Here the heaps do not ramp, they churn, and the helper kept
 *   warming blocks at ~3 µs per ingested event while the threads it spares got no faster.
 *
 * Measured at 25k ev/s paced with one stream client (bench/README, "Memory settings of the binary"):
 * all threads together spent ~48 µs per event with the defaults, ~41 µs with these.
 *
 * So `auren serve` re-executes itself once (same process id, arguments and descriptors) with the
 * settings the environment leaves unset; a value already set is the operator's and is kept, and
 * with both set there is no second start.
 */
export const MEMORY_SETTINGS: Readonly<Record<string, string>> = {
  MIMALLOC_PURGE_DELAY: '1000',
  BUN_JSC_useWarmUpMarkedBlocks: '0',
};

/** process.execve (Bun, Node ≥ 23.11): the typings of Node 20 do not have it yet. */
type Execve = (file: string, args: string[], env: Record<string, string | undefined>) => never;

/** Re-executes the process with the memory settings, once, for the long-running command; else returns. */
export function tuneMemory(argv: readonly string[], command: string | undefined): void {
  const execve = (process as { execve?: Execve }).execve;
  const unset = Object.entries(MEMORY_SETTINGS).filter(([name]) => process.env[name] === undefined);
  if (command !== 'serve' || unset.length === 0 || typeof execve !== 'function') return;
  // A compiled binary's argv[1] is its embedded entry ("/$bunfs/…"), which the binary adds by itself.
  const compiled = argv[1]?.startsWith('/$bunfs/') === true;
  const args = compiled ? [process.execPath, ...argv.slice(2)] : [process.execPath, ...process.execArgv, ...argv.slice(1)];
  execve(process.execPath, args, { ...process.env, ...Object.fromEntries(unset) });
}
