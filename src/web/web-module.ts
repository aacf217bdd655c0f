/**
 * The web UI module: serves the dashboard at `/`, the stream inspector at `/inspector` and their
 * embedded assets, plus `/ui/session` for the pages' auth check. Nothing is read from disk.
 */
import type { ModuleFactory } from '../server/modules.js';
import { ASSETS } from './assets.generated.js';
import { sessionRoute } from './session-route.js';
import { StaticAssets } from './static-assets.js';

export const webModule: ModuleFactory = () => {
  const files = new StaticAssets(ASSETS);
  return {
    name: 'web',
    routes(app, ctx) {
      sessionRoute(app, ctx);
      const serve = (path: string) => (c: { req: { raw: Request } }) => files.respond(path, c.req.raw)!;
      app.get('/', serve('/'));
      app.get('/index.html', serve('/'));
      app.get('/inspector', serve('/inspector'));
      app.get('/assets/:name', (c, next) => files.respond(c.req.path, c.req.raw) ?? next());
      // Browsers ask for /favicon.ico whatever the page says; point them at the embedded icon.
      const icon = files.paths().find((p) => /^\/assets\/favicon-.*\.svg$/.test(p));
      if (icon) app.get('/favicon.ico', (c) => c.redirect(icon, 301));
    },
  };
};
