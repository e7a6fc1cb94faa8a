// Request metrics: decorates `app.metrics` (route handlers and webhook routes add their own samples) and times
// every request into `http_request_duration_seconds`, labelled by route pattern (never the raw URL, which would
// make one series per post id).
import fp from 'fastify-plugin';
import { createApiMetrics } from '../../metrics.js';

export default fp(async (app) => {
  const metrics = createApiMetrics(app.database.db);
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}, { name: 'metrics', dependencies: ['database'] });
