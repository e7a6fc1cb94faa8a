// Prometheus scrape endpoint. Unauthenticated like the probes; expose it on an internal network only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/metrics', {
    config: { public: true, rateLimit: false },
    schema: {
      tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', security: [],
      produces: ['text/plain'],
      response: { 200: z.string().describe('Prometheus text format') },
    },
  }, async (_request, reply) => {
    const body = await app.metrics.registry.metrics();
    return reply.type(app.metrics.registry.contentType).send(body);
  });
};

export default metricsRoutes;
