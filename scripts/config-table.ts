/** Prints the README's configuration table from the one config schema (src/config/schema.ts). */
import { OPTIONS } from '../src/config/schema.js';

const rows = OPTIONS.map((o) => {
  const def = typeof o.def === 'function' ? o.def({ dataDir: '<data-dir>' }) : (o.def ?? 'unset');
  return `| \`${o.flag}\` | \`${o.env}\` | \`${def}\` | ${o.help} |`;
});
process.stdout.write(['| flag | env | default | meaning |', '|---|---|---|---|', ...rows].join('\n') + '\n');
