// Liveness (/health: the process answers) and readiness (/ready: Postgres and Temporal answer within 2 s each).
// Orchestrators route traffic on /ready; a failing component is named, its error detail stays in the logs.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const CHECK_TIMEOUT_MS = 2_000;

const componentSchema = z.object({
  status: z.enum(['ok', 'error']),
  latencyMs: z.number(),
  error: z.string().optional().describe('`timeout` or `unreachable`; details are in the server log'),
});
const readinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  components: z.object({ postgres: componentSchema, temporal: componentSchema }),
});
type ComponentStatus = z.infer<typeof componentSchema>;

class CheckTimeout extends Error {}

async function check(run: () => Promise<unknown>, onError: (err: unknown) => void): Promise<ComponentStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new CheckTimeout()), CHECK_TIMEOUT_MS); }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    onError(err);
    return { status: 'error', latencyMs: Math.round(performance.now() - started), error: err instanceof CheckTimeout ? 'timeout' : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    config: { public: true, rateLimit: false },
    schema: {
      tags: ['operations'], summary: 'Liveness: the process is up', security: [],
      response: { 200: z.object({ status: z.literal('ok') }).describe('Alive') },
    },
  }, async () => ({ status: 'ok' as const }));

  app.get('/ready', {
    config: { public: true, rateLimit: false },
    schema: {
      tags: ['operations'], summary: 'Readiness: Postgres and Temporal reachable', security: [],
      response: { 200: readinessSchema.describe('Ready'), 503: readinessSchema.describe('Not ready: see which component failed') },
    },
  }, async (request, reply) => {
    const [postgres, temporal] = await Promise.all([
      check(() => app.database.sql`select 1`, (err) => request.log.warn({ err }, 'readiness: postgres check failed')),
      check(() => app.temporal.client.workflowService.getSystemInfo({}), (err) => request.log.warn({ err }, 'readiness: temporal check failed')),
    ]);
    const ready = postgres.status === 'ok' && temporal.status === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', components: { postgres, temporal } });
  });
};

export default healthRoutes;
