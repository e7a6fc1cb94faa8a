// Insights of one of the caller's accounts: sync now (through the account's insights schedule, or a direct run).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { triggerInsightsSync } from '../../../../temporal/insights-schedules.js';
import { notFound } from '../../../errors.js';
import { errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { findOwnedAccount } from '../accounts/account-repository.js';

const triggerResultSchema = z.object({
  accountId: z.uuid(),
  via: z.enum(['schedule', 'workflow']).describe('`schedule`: the account\'s schedule was triggered; `workflow`: a sync run was started directly'),
  workflowId: z.string().optional(),
});

const insightsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;

  app.post('/api/social/accounts/:id/insights/sync', {
    config: { idempotent: true },
    schema: {
      tags: ['stats'], summary: 'Fetch the account\'s insights and its recent posts\' metrics now',
      params: idParamsSchema,
      response: { 202: triggerResultSchema.describe('The sync was started'), ...errorResponses(400, 401, 404, 429, 503) },
    },
  }, async (request, reply) => {
    const account = await findOwnedAccount(db, request.user.id, request.params.id);
    if (!account) throw notFound('account');
    const result = await triggerInsightsSync(app.temporal.client, { accountId: account.id, taskQueue: app.config.TEMPORAL_TASK_QUEUE });
    return reply.code(202).send({ accountId: account.id, ...result.via === 'workflow' ? { via: 'workflow' as const, workflowId: result.workflowId } : { via: 'schedule' as const } });
  });
};

export default insightsRoutes;
