// The calling user, as identified by its API key.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../../schemas/common.js';
import { presentUser, userSchema } from './user-schemas.js';

const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/me', {
    schema: {
      tags: ['users'], summary: 'The user the API key belongs to',
      response: { 200: userSchema.describe('The caller'), ...errorResponses(401, 429) },
    },
  }, async (request) => presentUser(request.user));
};

export default meRoutes;
