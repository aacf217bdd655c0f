/** Comma lists of `*` globs, as the stream filters take them, compiled for filtering on the page. */

export type Matcher = (value: string | undefined) => boolean;

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** `llm.*, tool.failed` → a matcher; an empty list matches everything. */
export function compileGlobs(text: string): Matcher {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return () => true;
  const re = new RegExp(`^(?:${parts.map((p) => p.split('*').map(escape).join('.*')).join('|')})$`, 'i');
  return (v) => v !== undefined && re.test(v);
}
