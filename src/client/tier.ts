/**
 * The contract's default tier rules, used only to decide what to drop first when the buffer is
 * full (the server classifies for real, with its configured rules).
 */
import type { AurenEvent, Tier } from './types.js';

export const TIER_RANK: Record<Tier, number> = { analytical: 0, operational: 1, critical: 2 };

export function tierOf(e: AurenEvent): Tier {
  if (e.tier === 'critical' || e.tier === 'operational' || e.tier === 'analytical') return e.tier;
  const t = e.type;
  if (t.endsWith('.error') || t.endsWith('.failed') || t === 'system.alert' || t === 'biometric.alert') return 'critical';
  if ((e.data as { severity?: unknown } | undefined)?.severity === 'critical') return 'critical';
  if (/^(memory|hypothesis|knowledge|metric)\./.test(t)) return 'analytical';
  return 'operational';
}
