// The dashboard (web/, a React single-page app built by `npm run build:web`) served by the API itself: one origin,
// so the browser's session cookie and CSRF header need no CORS. Each of the app's own paths answers its
// index.html and the app routes in the browser; hashed build assets are cached for good. The paths are public
// (the page itself holds nothing; every API call it makes is authenticated) and kept out of the OpenAPI document.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ApiError } from '../../errors.js';

/** The app's client-side routes (web/src/main.tsx). A path not listed here is the API's, and 404s in its shape. */
export const DASHBOARD_PATHS = [
  '/', '/accounts', '/calendar', '/compose', '/posts/:id', '/posts/:id/edit', '/comments', '/stats',
] as const;

const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const root = resolve(app.config.WEB_DIST_DIR);
  // Asked on every page and asset request until the build appears (npm run dev builds while the API starts); once
  // it exists it stays, so the answer is kept instead of a file-system call per request.
  let seenBuilt = false;
  const built = () => seenBuilt || (seenBuilt = existsSync(resolve(root, 'index.html')));

  // Everything this plugin serves is public, including the asset routes @fastify/static creates (they take no
  // config of their own): the hook runs for every route added in this plugin's scope.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });

  await app.register(fastifyStatic, {
    root: resolve(root, 'assets'),
    prefix: '/assets/',
    decorateReply: true,
    // Vite names assets by content hash: a name never changes meaning.
    immutable: true,
    maxAge: '365d',
    schemaHide: true,
    wildcard: true,
    // Before `npm run build:web` the folder may not exist yet; the pages then say so.
    allowedPath: () => built(),
  });

  for (const path of DASHBOARD_PATHS) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) => {
      if (!built()) throw new ApiError(503, 'dashboard_not_built', 'the dashboard is not built: run `npm run build:web` (or `npm run dev`, which builds it)');
      // The page names the current assets: always ask for it again.
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    });
  }
};

export default dashboardRoutes;
