/**
 * Finds the top-level members of a compact JSON object (JSON.stringify output) without parsing it:
 * strings are skipped with indexOf, nested values by bracket depth. In compact JSON a key is always
 * preceded by `{` or `,`, and a quote inside a string is always escaped.
 */
const QUOTE = 34;
const COMMA = 44;
const BACKSLASH = 92;
const dropLengths = new WeakMap<ReadonlySet<string>, Set<number>>();

/**
 * Fills `out` with [start, end) pairs of the members whose raw (still escaped) key is not in `drop`,
 * and returns the length of the object rebuilt from them: `{` + members joined by `,` + `}`.
 */
export function keptMembers(json: string, drop: ReadonlySet<string>, out: number[]): number {
  out.length = 0;
  let lengths = dropLengths.get(drop);
  if (!lengths) dropLengths.set(drop, (lengths = new Set([...drop].map((k) => k.length))));
  if (json.charCodeAt(1) !== QUOTE) return 2; // `{}`
  let length = 1;
  let i = 1;
  for (;;) {
    const keyEnd = endOfString(json, i);
    const valueEnd = endOfValue(json, keyEnd + 2);
    // Compare the length first: most keys are not volatile, and that needs no slice.
    if (!lengths.has(keyEnd - i - 1) || !drop.has(json.slice(i + 1, keyEnd))) {
      length += valueEnd - i + 1; // the member and the `,` or `}` after it
      out.push(i, valueEnd);
    }
    if (json.charCodeAt(valueEnd) !== COMMA) break;
    i = valueEnd + 1;
  }
  return out.length ? length : 2;
}

/** The object rebuilt from the ranges `keptMembers` found. */
export function joinMembers(json: string, ranges: readonly number[]): string {
  let s = '{';
  for (let k = 0; k < ranges.length; k += 2) s += (k ? ',' : '') + json.slice(ranges[k], ranges[k + 1]);
  return s + '}';
}

/** Index of the closing quote of the string that opens at `start`. */
function endOfString(json: string, start: number): number {
  let j = start;
  for (;;) {
    j = json.indexOf('"', j + 1);
    if (j === -1) return json.length;
    let slashes = 0;
    while (json.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return j;
  }
}

/** Index just after the JSON value that starts at `start` (a `,` or the closing bracket follows). */
function endOfValue(json: string, start: number): number {
  if (json.charCodeAt(start) === QUOTE) return endOfString(json, start) + 1;
  let depth = 0;
  for (let j = start; j < json.length; j++) {
    const d = json.charCodeAt(j);
    if (d === QUOTE) j = endOfString(json, j);
    else if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      if (depth === 0) return j;
      if (--depth === 0) return j + 1;
    } else if (d === COMMA && depth === 0) return j;
  }
  return json.length;
}
