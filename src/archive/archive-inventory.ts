/** `auren archive ls`: the archive's partitions (or objects) with counts, sizes and seq ranges. */
import { TIERS, type Tier } from '../core/event.js';
import { parseKey, partitionPath } from './key-layout.js';
import type { ObjectInfo, ObjectTarget } from './object-target.js';

export interface PartitionSummary {
  partition: string;
  objects: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
}

export interface Inventory {
  partitions: PartitionSummary[];
  objects: (ObjectInfo & { partition: string })[];
  /** Keys under the prefix that the archive did not write (left alone by every command). */
  foreign: string[];
}

export async function inventory(target: ObjectTarget, tier?: Tier): Promise<Inventory> {
  const partitions = new Map<string, PartitionSummary>();
  const objects: Inventory['objects'] = [];
  const foreign: string[] = [];
  for (const t of tier ? [tier] : TIERS) {
    for await (const o of target.list(`tier=${t}/`)) {
      const k = parseKey(o.key);
      if (!k) {
        foreign.push(o.key);
        continue;
      }
      const partition = partitionPath(k);
      objects.push({ ...o, partition });
      const p = partitions.get(partition) ?? { partition, objects: 0, bytes: 0, firstSeq: k.first, lastSeq: k.last };
      p.objects++;
      p.bytes += o.size;
      p.firstSeq = Math.min(p.firstSeq, k.first);
      p.lastSeq = Math.max(p.lastSeq, k.last);
      partitions.set(partition, p);
    }
  }
  return { partitions: [...partitions.values()], objects, foreign };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

export function formatInventory(inv: Inventory, uri: string, showObjects: boolean): string {
  const lines: string[] = [];
  if (showObjects) {
    for (const o of inv.objects) lines.push(`${formatBytes(o.size).padStart(10)}  ${o.key}`);
  } else {
    const w = Math.max(9, ...inv.partitions.map((p) => p.partition.length));
    lines.push(`${'PARTITION'.padEnd(w)}  ${'OBJECTS'.padStart(7)}  ${'SIZE'.padStart(10)}  SEQS`);
    for (const p of inv.partitions) {
      lines.push(`${p.partition.padEnd(w)}  ${String(p.objects).padStart(7)}  ${formatBytes(p.bytes).padStart(10)}  ${p.firstSeq}-${p.lastSeq}`);
    }
  }
  const bytes = inv.objects.reduce((a, o) => a + o.size, 0);
  lines.push(`${uri}: ${inv.objects.length} objects in ${inv.partitions.length} partitions, ${formatBytes(bytes)}`);
  if (inv.foreign.length) lines.push(`(${inv.foreign.length} other keys under the prefix were ignored, e.g. ${inv.foreign[0]})`);
  return lines.join('\n') + '\n';
}
