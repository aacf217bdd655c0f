/**
 * A checkpoint round (checkpoint-thread.ts): one PASSIVE pass while the WAL is short; past
 * CHASE_FRAMES, more passes at once until one shows the WAL started over, at most CHASE_PASSES.
 * The passes here are scripted (what PRAGMA wal_checkpoint would answer), so each case is exact;
 * that the thread checkpoints a real store under ingest is test/product/checkpoint-thread.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CHASE_FRAMES, CHASE_PASSES, checkpointRound, type PassResult } from '../../src/store/sqlite/checkpoint-thread.js';

function scripted(logs: number[]): { pass: () => PassResult | undefined; calls: () => number } {
  let i = 0;
  return {
    pass: () => (i < logs.length ? { busy: 0, log: logs[i], checkpointed: logs[i++] } : undefined),
    calls: () => i,
  };
}

describe('checkpoint round', () => {
  it('passes once while the WAL is under the chase threshold', () => {
    const s = scripted([CHASE_FRAMES, 10]);
    expect(checkpointRound(s.pass)?.log).toBe(CHASE_FRAMES);
    expect(s.calls()).toBe(1);
  });

  it('past the threshold, passes again until the WAL has started over', () => {
    const s = scripted([CHASE_FRAMES + 500, CHASE_FRAMES + 540, CHASE_FRAMES + 560, 30, 90]);
    expect(checkpointRound(s.pass)?.log).toBe(30);
    expect(s.calls()).toBe(4);
  });

  it('gives up after CHASE_PASSES more passes and reports the last', () => {
    const logs = Array.from({ length: CHASE_PASSES + 5 }, (_, i) => CHASE_FRAMES + 100 + i * 40);
    const s = scripted(logs);
    expect(checkpointRound(s.pass)?.log).toBe(logs[CHASE_PASSES]);
    expect(s.calls()).toBe(1 + CHASE_PASSES);
  });

  it('stops when a pass answers nothing, reporting the last answer', () => {
    const s = scripted([CHASE_FRAMES + 1]);
    expect(checkpointRound(s.pass)?.log).toBe(CHASE_FRAMES + 1);
    expect(checkpointRound(scripted([]).pass)).toBeUndefined();
  });
});
