/**
 * Bounded glob matching for type/agent/session filters and tier rules. `*` matches any run of
 * characters. Linear-time two-pointer matching: no regex, so no catastrophic backtracking, and
 * patterns are capped in length and stars so a hostile filter costs little.
 */
export const MAX_GLOB_LENGTH = 256;
export const MAX_GLOB_STARS = 8;

export type Matcher = (value: string) => boolean;

export function validateGlob(pattern: string): string | undefined {
  if (pattern.length === 0) return 'an empty pattern matches nothing';
  if (pattern.length > MAX_GLOB_LENGTH) return `pattern longer than ${MAX_GLOB_LENGTH} characters`;
  let stars = 0;
  for (const ch of pattern) if (ch === '*') stars++;
  if (stars > MAX_GLOB_STARS) return `pattern with more than ${MAX_GLOB_STARS} '*'`;
  return undefined;
}

export function compileGlob(pattern: string): Matcher {
  const problem = validateGlob(pattern);
  if (problem) throw new Error(`"${pattern.slice(0, 40)}": ${problem}`);
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (v) => v === pattern;
  const parts = pattern.split('*');
  if (parts.length === 2 && parts[0] === '') {
    const suffix = parts[1];
    return (v) => v.endsWith(suffix);
  }
  if (parts.length === 2 && parts[1] === '') {
    const prefix = parts[0];
    return (v) => v.startsWith(prefix);
  }
  return (v) => matchParts(parts, v);
}

/** parts = pattern split on '*': first must be a prefix, last a suffix, the rest found in order. */
function matchParts(parts: string[], v: string): boolean {
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (v.length < first.length + last.length) return false;
  if (!v.startsWith(first) || !v.endsWith(last)) return false;
  let pos = first.length;
  const end = v.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const p = parts[i];
    if (p === '') continue;
    const at = v.indexOf(p, pos);
    if (at === -1 || at + p.length > end) return false;
    pos = at + p.length;
  }
  return true;
}

/** A comma list of globs as one matcher (any of them). */
export function compileGlobList(list: readonly string[]): Matcher {
  const ms = list.map(compileGlob);
  if (ms.length === 1) return ms[0];
  return (v) => {
    for (const m of ms) if (m(v)) return true;
    return false;
  };
}
