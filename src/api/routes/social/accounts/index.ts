// Connected social accounts of the caller (read-only until account connection lands).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../../schemas/common.js';
import { listAccounts, type AccountRow } from './account-repository.js';

const accountSchema = z.object({
  id: z.uuid(),
  platform: z.string().describe('Provider id, e.g. `testbed`'),
  platformAccountId: z.string(),
  displayName: z.string().nullable(),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'reauth_required', 'disconnected']),
  statusReason: z.string().nullable(),
  expiresAt: z.iso.datetime().nullable().describe('When the access token expires'),
  refreshExpiresAt: z.iso.datetime().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

const present = (a: AccountRow): z.infer<typeof accountSchema> => ({
  ...a,
  expiresAt: a.expiresAt?.toISOString() ?? null,
  refreshExpiresAt: a.refreshExpiresAt?.toISOString() ?? null,
  createdAt: a.createdAt.toISOString(),
});

const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/social/accounts', {
    schema: {
      tags: ['accounts'], summary: 'List the connected social accounts (never any token material)',
      response: { 200: z.object({ data: z.array(accountSchema) }).describe('The caller\'s accounts'), ...errorResponses(401, 429) },
    },
  }, async (request) => ({ data: (await listAccounts(app.database.db, request.user.id)).map(present) }));
};

export default accountRoutes;
