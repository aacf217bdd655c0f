/** A parser for the Prometheus text exposition format (what GET /metrics returns). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** Samples by metric name (histograms keep their _bucket/_sum/_count names). */
  samples: Map<string, Sample[]>;
  /** Declared types (`# TYPE name counter`), by family name. */
  types: Map<string, string>;
}

function parseValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  return Number(s);
}

/** Reads `{a="x",b="y\"z"}` starting at i (at the '{'); returns the labels and the index after '}'. */
function parseLabels(line: string, i: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  while (i < line.length && line[i] !== '}') {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') break;
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error('label without "="');
    const key = line.slice(i, eq).trim();
    i = eq + 1;
    if (line[i] !== '"') throw new Error(`label ${key} value is not quoted`);
    i++;
    let v = '';
    for (; i < line.length && line[i] !== '"'; i++) {
      if (line[i] === '\\') {
        const n = line[++i];
        v += n === 'n' ? '\n' : n;
      } else v += line[i];
    }
    labels[key] = v;
    i++;
  }
  return [labels, i + 1];
}

/** Parses exposition text; malformed lines are skipped (a partial view beats none). */
export function parsePrometheus(text: string): Scrape {
  const samples = new Map<string, Sample[]>();
  const types = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m) types.set(m[1], m[2]);
      continue;
    }
    try {
      const brace = line.indexOf('{');
      const space = line.indexOf(' ');
      let name: string;
      let labels: Record<string, string> = {};
      let rest: string;
      if (brace >= 0 && (space < 0 || brace < space)) {
        name = line.slice(0, brace);
        const [l, end] = parseLabels(line, brace);
        labels = l;
        rest = line.slice(end).trim();
      } else {
        name = line.slice(0, space);
        rest = line.slice(space + 1).trim();
      }
      const token = rest.split(/\s+/)[0];
      const value = parseValue(token);
      if (!name || (Number.isNaN(value) && token !== 'NaN')) continue;
      let list = samples.get(name);
      if (!list) samples.set(name, (list = []));
      list.push({ name, labels, value });
    } catch {
      // skip the line
    }
  }
  return { samples, types };
}

/** Sum of a metric's samples whose labels include `match`. */
export function sum(s: Scrape, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const x of s.samples.get(name) ?? []) {
    if (Object.entries(match).every(([k, v]) => x.labels[k] === v)) total += x.value;
  }
  return total;
}

/** Distinct values of one label across a metric's samples. */
export function labelValues(s: Scrape, name: string, label: string): string[] {
  const out = new Set<string>();
  for (const x of s.samples.get(name) ?? []) if (x.labels[label] !== undefined) out.add(x.labels[label]);
  return [...out];
}
