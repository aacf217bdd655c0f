/** Builds a Config from flags, environment and defaults; errors name the flag and its env var. */
import { OPTIONS, type Config, type OptionSpec } from './schema.js';

export class ConfigError extends Error {}

export function loadConfig(argv: string[], env: Record<string, string | undefined>): Config {
  const fromFlags = new Map<OptionSpec, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"; see auren serve --help`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const spec = OPTIONS.find((o) => o.flag === name);
    if (!spec) throw new ConfigError(`unknown flag ${name}; see auren serve --help`);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      if (spec.boolean) value = 'true';
      else {
        value = argv[++i];
        if (value === undefined) throw new ConfigError(`${spec.flag} needs a value`);
      }
    }
    fromFlags.set(spec, value);
  }
  const config: Partial<Config> = {};
  // Plain defaults first so derived defaults (archive from data dir) can see them.
  const ordered = [...OPTIONS.filter((o) => typeof o.def !== 'function'), ...OPTIONS.filter((o) => typeof o.def === 'function')];
  for (const spec of ordered) {
    const flagValue = fromFlags.get(spec);
    const envValue = env[spec.env];
    const raw = flagValue ?? (envValue !== undefined && envValue !== '' ? envValue : undefined);
    const source = flagValue !== undefined ? spec.flag : raw !== undefined ? spec.env : undefined;
    const text = raw ?? (typeof spec.def === 'function' ? spec.def(config) : spec.def);
    if (text === undefined) {
      (config as Record<string, unknown>)[spec.key] = undefined;
      continue;
    }
    try {
      (config as Record<string, unknown>)[spec.key] = spec.parse(text);
    } catch (err) {
      const where = source ? `${source}` : `default of ${spec.flag}`;
      throw new ConfigError(`in ${where} (${spec.flag} / ${spec.env}): ${(err as Error).message}`);
    }
  }
  return config as Config;
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => {
    const def = typeof o.def === 'function' ? o.def({ dataDir: '<data-dir>' }) : o.def;
    return `  ${(o.flag + (o.boolean ? '' : ' VALUE')).padEnd(28)} ${o.help}\n  ${''.padEnd(28)} env ${o.env}${def !== undefined ? `, default ${def}` : ''}`;
  });
  return `Usage: auren serve [flags]\n\nEvery flag is also an environment variable; flag > env > default.\n\n${rows.join('\n')}\n  --print-config               Print the resolved configuration as JSON and exit\n`;
}
