/** Shared bits of the load processes: flags, and exiting when the harness that started them is gone. */

export function flag(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}

/** Load processes must never outlive the harness (e.g. when it is killed with SIGKILL). */
export function exitWithParent(): void {
  const parent = process.ppid;
  const t = setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000);
  t.unref();
  process.on('SIGTERM', () => process.exit(0));
  process.stdin.on('end', () => process.exit(0));
}
