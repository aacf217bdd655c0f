/**
 * A memory setting for a long-running server, read once as the process starts:
 * BUN_JSC_useWarmUpMarkedBlocks=0. JavaScriptCore keeps a supply of collector blocks whose pages a
 * helper thread (JSCWarmUp) has touched in advance, so a heap that is ramping up does not take the
 * page faults on its own thread. Here the heaps do not ramp, they churn — the dashboard state
 * thread's rows and strings above all — and the helper kept warming blocks at ~3 µs per ingested
 * event while the threads it spares got no faster. At 25k ev/s paced with one stream client all
 * threads together spent 49.0 / 47.5 µs per event with it, 42.5 / 41.2 without (bench/README,
 * "Memory settings of the binary").
 *
 * Measured and not set: a longer MIMALLOC_PURGE_DELAY (mimalloc hands an empty page back to the OS
 * after 10 ms, and under load faults most of them in again). 1 s saved another ~3 µs per event but
 * raised the peak RSS of the slow-consumer test (1,000 clients, 100 never reading) by ~19 MiB on
 * average, to 288 MiB in a full run: over its 300 MB.
 *
 * So `auren serve` re-executes itself once (same process id, arguments and descriptors) with the
 * setting when the environment leaves it unset; a value already set is the operator's and is kept,
 * and then there is no second start.
 */
export const MEMORY_SETTINGS: Readonly<Record<string, string>> = {
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
