/** Result rows, their formatting, and the table printed at the end of a run (Markdown, for the README). */

export interface Row {
  row: number;
  measure: string;
  system: string;
  value: number | null;
  unit: string;
  /** What to print instead of the bare value (e.g. p50/p99/p999). */
  display?: string;
  baseline?: { label: string; value: number | null; display?: string };
  /** value ÷ baseline value, measured in the same run. */
  ratio?: number | null;
  target?: string;
  /** Whether the target is met (undefined when the row has no target or no value). */
  met?: boolean;
  status?: 'ok' | 'pending' | 'error';
  note?: string;
  details?: Record<string, unknown>;
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b === 0 ? null : a / b;
}

export function fmtNum(n: number | null | undefined, unit = ''): string {
  if (n == null || !Number.isFinite(n)) return '—';
  const u = unit ? ` ${unit}` : '';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M${u}`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(0)}k${u}`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k${u}`;
  if (Math.abs(n) >= 100) return `${n.toFixed(0)}${u}`;
  if (Math.abs(n) >= 10) return `${n.toFixed(1)}${u}`;
  return `${n.toFixed(2)}${u}`;
}

export function fmtBytes(n: number | null | undefined): string {
  if (n == null) return '—';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function fmtMs(n: number | null | undefined): string {
  if (n == null) return '—';
  return n >= 100 ? `${n.toFixed(0)} ms` : n >= 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(2)} ms`;
}

/** A count of things (clients, events) as people write it: 1,000 rather than 1.0k. */
export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

function value(r: Row): string {
  if (r.status === 'pending') return `pending${r.note ? ` (${r.note})` : ''}`;
  if (r.status === 'error') return `error: ${r.note ?? ''}`;
  if (r.display) return r.display;
  return r.unit === 'bytes' ? fmtBytes(r.value) : r.unit === 'ms' ? fmtMs(r.value) : fmtNum(r.value, r.unit);
}

function base(r: Row): string {
  if (!r.baseline) return '';
  const b = r.baseline;
  const v = b.display ?? (r.unit === 'bytes' ? fmtBytes(b.value) : r.unit === 'ms' ? fmtMs(b.value) : fmtNum(b.value, r.unit));
  return `${b.label}: ${v}`;
}

function target(r: Row): string {
  if (!r.target) return '';
  return `${r.target}${r.met === true ? ' ✅' : r.met === false ? ' ❌' : ''}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderTable(rows: Row[]): string {
  const out = ['| # | Measure | System | Result | Baseline (same run) | Ratio | Target |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const rt = r.ratio == null ? '' : `${r.ratio.toFixed(r.ratio < 0.2 ? 3 : 2)}×`;
    out.push(`| ${r.row} | ${cell(r.measure)} | ${cell(r.system)} | ${cell(value(r))} | ${cell(base(r))} | ${rt} | ${cell(target(r))} |`);
  }
  return out.join('\n');
}

/** Notes under the table: details that do not fit a cell. */
export function renderNotes(rows: Row[]): string {
  return rows.filter((r) => r.note && r.status !== 'pending' && r.status !== 'error').map((r) => `- ${r.row}. ${r.measure} — ${r.system}: ${r.note}`).join('\n');
}
