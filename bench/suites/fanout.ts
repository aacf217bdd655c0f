/**
 * Row 4 — fan-out: event deliveries/s and frames/s to 100, 1,000 and 5,000 WebSocket clients held by
 * separate client processes, at an offered load above the target (input rate × clients), against
 * Bun's raw `server.publish` to the same clients; plus SSE clients against WebSocket ones.
 */
import { baselineFor, withSystem, type SuiteContext } from '../lib/context.js';
import type { FanoutResult } from '../lib/fanout-run.js';
import { fanout } from '../lib/fanout-run.js';
import { fmtBytes, fmtCount, fmtMs, fmtNum, ratio, type Row } from '../lib/report.js';
import { LABEL, type SystemId } from '../lib/systems.js';

export function fanoutNote(r: FanoutResult): string {
  const closes = Object.entries(r.report.closes).map(([k, v]) => `${v}×${k}`).join(' ');
  return `${r.connected}/${r.clients} connected; input ${fmtNum(r.inputRate)} ev/s; got ${(r.coverage * 100).toFixed(1)}% of offered; ` +
    `critical probe p99 ${fmtMs(r.p99)}; server used ${r.serverCores.toFixed(2)} cores, ${fmtNum(r.deliveriesPerCpuSecond)} deliv/CPU-s; server RSS max ${fmtBytes(r.rssMax)}${r.report.lagged ? `; ${r.report.lagged} lagged frames` : ''}${closes ? `; closed: ${closes}` : ''}`;
}

const display = (r: FanoutResult) => `${fmtNum(r.deliveries)} deliv/s · ${fmtNum(r.frames)} frames/s`;

function details(r: FanoutResult): Record<string, unknown> {
  const { report, ...rest } = r;
  return { ...rest, lagged: report.lagged, closes: report.closes, minClientEvents: report.minClientEvents, maxClientEvents: report.maxClientEvents };
}

export async function fanoutSuite(ctx: SuiteContext): Promise<Row[]> {
  const rows: Row[] = [];
  const offered = ctx.opts.fanoutOffered;
  let wsAtFirst: FanoutResult | undefined;
  for (const n of ctx.opts.fanoutClients) {
    const got = new Map<SystemId, FanoutResult>();
    for (const id of ctx.opts.systems) {
      ctx.log(`fan-out ${n} clients: ${LABEL[id]}`);
      got.set(id, await withSystem(ctx, id, (sys) => fanout(ctx, sys, { clients: n, offered })));
    }
    wsAtFirst ??= got.get('auren-bun');
    for (const id of ctx.opts.systems) {
      const r = got.get(id)!;
      const b = baselineFor(id, got, (g) => g.deliveries);
      const row: Row = {
        row: 4, measure: `fan-out to ${fmtCount(n)} WS clients (offered ${fmtNum(offered)}/s)`, system: LABEL[id], value: r.deliveries, unit: 'deliv/s',
        display: display(r), baseline: b && { ...b, label: id === 'auren-bun' ? 'Bun raw server.publish' : b.label },
        ratio: ratio(r.deliveries, b?.value), note: fanoutNote(r), details: details(r),
      };
      if (id === 'auren-bun' && n === 1000) {
        row.target = '≥1M deliv/s and ≥0.70× raw publish';
        row.met = r.deliveries >= 1e6 && (row.ratio ?? 0) >= 0.7;
      }
      rows.push(row);
    }
    // Per server CPU-second: what each delivery costs the server, whatever else the machine runs.
    for (const id of ctx.opts.systems) {
      const r = got.get(id)!;
      const b = baselineFor(id, got, (g) => g.deliveriesPerCpuSecond);
      rows.push({
        row: 4, measure: `fan-out to ${fmtCount(n)} WS clients, deliveries per server CPU-second`, system: LABEL[id], value: r.deliveriesPerCpuSecond, unit: 'deliv/CPU-s',
        baseline: b && { ...b, label: id === 'auren-bun' ? 'Bun raw server.publish' : b.label }, ratio: ratio(r.deliveriesPerCpuSecond, b?.value),
      });
    }
  }
  const n = ctx.opts.fanoutClients[0];
  ctx.log(`fan-out ${n} SSE clients: ${LABEL['auren-bun']}`);
  const sse = await withSystem(ctx, 'auren-bun', (sys) => fanout(ctx, sys, { clients: n, offered, sse: true }));
  rows.push({
    row: 4, measure: `fan-out to ${fmtCount(n)} SSE clients (offered ${fmtNum(offered)}/s)`, system: LABEL['auren-bun'], value: sse.deliveries, unit: 'deliv/s',
    display: display(sse), baseline: { label: `same, ${n} WebSocket clients`, value: wsAtFirst!.deliveries }, ratio: ratio(sse.deliveries, wsAtFirst!.deliveries),
    note: fanoutNote(sse), details: details(sse),
  });
  rows.push({
    row: 4, measure: `fan-out to ${fmtCount(n)} SSE clients, deliveries per server CPU-second`, system: LABEL['auren-bun'], value: sse.deliveriesPerCpuSecond, unit: 'deliv/CPU-s',
    baseline: { label: `same, ${n} WebSocket clients`, value: wsAtFirst!.deliveriesPerCpuSecond }, ratio: ratio(sse.deliveriesPerCpuSecond, wsAtFirst!.deliveriesPerCpuSecond),
  });
  return rows;
}
