import { describe, expect, it } from 'vitest';
import { jitteredDelay } from '../../src/web/client/lib/backoff.js';
import { compileGlobs } from '../../src/web/client/lib/glob.js';
import { ResumePoint, SETTLE_MS } from '../../src/web/client/lib/resume-point.js';

describe('jittered backoff', () => {
  it('stays within [100 ms, min(cap, base·2^n)] and grows', () => {
    expect(jitteredDelay(0, { baseMs: 500, capMs: 15_000 }, () => 0.999)).toBeLessThanOrEqual(500);
    expect(jitteredDelay(3, { baseMs: 500, capMs: 15_000 }, () => 0.999)).toBe(3996);
    expect(jitteredDelay(30, { baseMs: 500, capMs: 15_000 }, () => 1)).toBe(15_000);
    expect(jitteredDelay(5, { baseMs: 500, capMs: 15_000 }, () => 0)).toBe(100);
  });
});

describe('resume point', () => {
  it('is undefined before anything is known, then the starting since', () => {
    const r = new ResumePoint();
    expect(r.since()).toBeUndefined();
    r.connectedFrom(40);
    expect(r.since()).toBe(40);
  });

  it('does not trust the newest seq until every tier had time to flush', () => {
    const r = new ResumePoint();
    r.connectedFrom(0);
    r.sawEvents(100, 1000);
    // A critical event overtook batched ones: 101..119 may still be in the server's batchers.
    r.sawEvents(120, 1050);
    expect(r.since()).toBe(0);
    r.sawEvents(130, 1000 + SETTLE_MS + 60);
    expect(r.since()).toBe(120);
  });

  it('takes points the server vouched for (heartbeat, replay_done)', () => {
    const r = new ResumePoint();
    r.connectedFrom(0);
    r.sawEvents(500, 10);
    r.vouch(480, 20);
    expect(r.since()).toBe(480);
  });
});

describe('page glob filters', () => {
  it('matches comma lists of * globs, case-insensitively; empty matches all', () => {
    const m = compileGlobs('llm.*, tool.failed');
    expect(m('llm.call')).toBe(true);
    expect(m('tool.failed')).toBe(true);
    expect(m('tool.call')).toBe(false);
    expect(m(undefined)).toBe(false);
    expect(compileGlobs('  ')('anything')).toBe(true);
    expect(compileGlobs('a.(b)+')('a.(b)+')).toBe(true);
  });
});
