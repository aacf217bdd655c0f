/** The CLI lists its commands without loading them; what it lists must match the commands it loads. */
import { describe, expect, it } from 'vitest';
import '../../src/cli/main.js';
import { COMMANDS, type Command } from '../../src/cli/commands.js';

describe('lazily loaded commands', () => {
  it('lists the summary and name each command declares', async () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['serve', 'archive', 'simulate', 'backup']);
    for (const c of COMMANDS) {
      const loaded = await (c as Command & { load: () => Promise<Command> }).load();
      expect(loaded.name).toBe(c.name);
      expect(loaded.summary).toBe(c.summary);
    }
  });
});
