/** The harness side of bench/load/paced-load.ts. */
import { join } from 'node:path';
import { startChild, type Child } from './procs.js';
import { bunPath, ROOT } from './systems.js';

export interface PacedReport {
  seconds: number;
  sent: number;
  accepted: number;
  behind: number;
  statuses: Record<string, number>;
  ratePerSec: number;
}

export interface PacedLoad {
  mark(): Promise<void>;
  report(): Promise<PacedReport>;
  stop(): Promise<void>;
}

export async function startPaced(url: string, o: { rate: number; batch?: number; probes?: number }): Promise<PacedLoad> {
  const args = [join(ROOT, 'bench/load/paced-load.ts'), '--url', url, '--rate', String(o.rate), '--batch', String(o.batch ?? 100), '--probes', String(o.probes ?? 0)];
  const child: Child = startChild('paced-load', bunPath(), args);
  await child.waitFor(/^\{"ready"/);
  return {
    async mark() {
      child.send('mark');
      await child.waitFor(/^\{"marked"/);
    },
    async report() {
      child.send('report');
      return JSON.parse((await child.waitFor(/^\{"report"/)).input) as PacedReport;
    },
    async stop() {
      await child.stop(2000);
    },
  };
}
