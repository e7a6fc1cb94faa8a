// Cross-origin access for a browser dashboard served from another origin: only the origins in CORS_ORIGINS, and
// none by default (same-origin dashboards and server-side callers need no CORS).
import fp from 'fastify-plugin';
import cors from '@fastify/cors';

export default fp(async (app) => {
  const allowed = app.config.CORS_ORIGINS;
  // Browsers send preflights without credentials: the plugin's catch-all OPTIONS route must be public (auth.ts).
  app.addHook('onRoute', (route) => {
    if (route.url === '*' && [route.method].flat().includes('OPTIONS')) route.config = { ...route.config, public: true };
  });
  await app.register(cors, {
    origin: allowed.length > 0 ? allowed : false,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  });
}, { name: 'cors' });
