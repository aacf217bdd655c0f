/**
 * Classification of events into tiers by configurable glob rules on `type`. User rules
 * (`--tier-rules 'deploy.*=critical,…'`) are checked first, then the contract's defaults.
 */
import { TIERS, type Tier } from '../core/event.js';
import { compileGlob, type Matcher } from './glob.js';

export interface TierRule {
  glob: string;
  tier: Tier;
}

export const DEFAULT_RULES: TierRule[] = [
  { glob: '*.error', tier: 'critical' },
  { glob: '*.failed', tier: 'critical' },
  { glob: 'system.alert', tier: 'critical' },
  { glob: 'biometric.alert', tier: 'critical' },
  { glob: 'memory.*', tier: 'analytical' },
  { glob: 'hypothesis.*', tier: 'analytical' },
  { glob: 'knowledge.*', tier: 'analytical' },
  { glob: 'metric.*', tier: 'analytical' },
];

export function parseTierRules(text: string): TierRule[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.lastIndexOf('=');
      const glob = part.slice(0, eq);
      const tier = part.slice(eq + 1) as Tier;
      if (eq <= 0 || !TIERS.includes(tier)) throw new Error(`"${part}" must be GLOB=TIER with TIER one of ${TIERS.join(', ')}`);
      compileGlob(glob);
      return { glob, tier };
    });
}

export class Classifier {
  private readonly rules: { match: Matcher; tier: Tier }[];
  /** Types repeat endlessly; remember each type's tier (bounded, cleared when full). */
  private readonly cache = new Map<string, Tier>();

  constructor(userRules: TierRule[] = []) {
    this.rules = [...userRules, ...DEFAULT_RULES].map((r) => ({ match: compileGlob(r.glob), tier: r.tier }));
  }

  /** The tier of an event: its own override, then `data.severity == "critical"`, then the rules. */
  classify(type: string, override: Tier | undefined, severity: unknown): Tier {
    if (override) return override;
    if (severity === 'critical') return 'critical';
    let tier = this.cache.get(type);
    if (tier === undefined) {
      tier = 'operational';
      for (const r of this.rules) {
        if (r.match(type)) {
          tier = r.tier;
          break;
        }
      }
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(type, tier);
    }
    return tier;
  }
}
