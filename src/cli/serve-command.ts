/** `auren serve`: runs the server until SIGTERM/SIGINT, then stops gracefully (a second signal forces exit). */
import { helpText, loadConfig, ConfigError } from '../config/load.js';
import { createLogger } from '../core/log.js';
import { startServer } from '../server/start-server.js';
import { reloadKeys } from '../auth/key-reload.js';
import type { Command } from './commands.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the server (ingest, stream, dashboards, archive)',
  async run(args, runtime) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(helpText());
      return 0;
    }
    const print = args.includes('--print-config');
    const config = loadConfig(args.filter((a) => a !== '--print-config'), process.env);
    if (print) {
      process.stdout.write(JSON.stringify({ ...config, apiKeys: config.apiKeys ? '(set)' : undefined }, null, 2) + '\n');
      return 0;
    }
    const logger = createLogger(config.logLevel);
    const server = await startServer({ runtime, config, logger });
    const stopped = new Promise<number>((resolve) => {
      let signals = 0;
      const onSignal = (sig: string) => {
        if (++signals > 1) {
          logger.warn(`second ${sig}: exiting without finishing the shutdown`);
          process.exit(1);
        }
        logger.info(`${sig}: shutting down`);
        server.stop().then(
          () => resolve(0),
          (err) => {
            logger.error('shutdown failed', { err });
            resolve(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
      // SIGHUP re-reads --api-keys-file; streams stay up unless their key was removed or narrowed.
      process.on('SIGHUP', () => reloadKeys(server.ctx.keys, config, logger));
    });
    // Only once the handlers are in place: a supervisor may send SIGTERM as soon as it reads the line.
    process.stdout.write(`auren listening on ${server.url}\n`);
    logger.info('started', { url: server.url, runtime: runtime.name, dataDir: config.dataDir, archive: config.archive });
    return stopped;
  },
};

export { ConfigError };
