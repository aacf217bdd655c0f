/**
 * Wearable readings for each simulated user: values drift as a random walk inside a plausible
 * range, with rare spikes past a threshold that also raise a `biometric.alert`.
 */
import { METRICS } from './catalog.js';
import type { Random } from './random.js';
import type { SimDraft } from './sim-event.js';

export class Wearable {
  private readonly values: Record<string, number> = {};
  /** Devices number their samples; it also keeps two equal readings from looking like one repeated event. */
  private sample = 0;

  constructor(
    private readonly r: Random,
    readonly user: string,
    readonly session: string,
    readonly agent: string,
  ) {
    for (const m of METRICS) values(this.values, m.metric, r.float(m.base[0], m.base[1]));
  }

  latest(): Record<string, number> {
    return { ...this.values };
  }

  /** One reading (and an alert when it crosses its metric's threshold). */
  read(): SimDraft[] {
    const { r } = this;
    const m = r.pick(METRICS);
    const span = m.base[1] - m.base[0];
    let v = this.values[m.metric] + (r.next() - 0.5) * span * 0.15;
    // Reflect off the range's edges (clamping would repeat the edge value reading after reading).
    if (v > m.base[1]) v = 2 * m.base[1] - v;
    if (v < m.base[0]) v = 2 * m.base[0] - v;
    if (m.alert && r.chance(0.02)) v = m.alert.above !== undefined ? m.alert.above + r.float(2, 15) : m.alert.below! - r.float(1, 5);
    const value = Math.round(v * 10) / 10;
    values(this.values, m.metric, value);
    const at = { agent_id: this.agent, session_id: this.session };
    const out: SimDraft[] = [{ ...at, type: 'biometric.reading', data: { metric: m.metric, value, unit: m.unit, user: this.user, source: 'wearable', sample: ++this.sample } }];
    const a = m.alert;
    if (a && ((a.above !== undefined && value > a.above) || (a.below !== undefined && value < a.below))) {
      const limit = a.above !== undefined ? `above ${a.above}` : `below ${a.below}`;
      out.push({ ...at, type: 'biometric.alert', data: { metric: m.metric, value, unit: m.unit, user: this.user, threshold: a.above ?? a.below, message: `${this.user}: ${m.metric} ${value} ${m.unit} is ${limit}` } });
    }
    return out;
  }
}

function values(o: Record<string, number>, k: string, v: number): void {
  o[k] = Math.round(v * 10) / 10;
}
