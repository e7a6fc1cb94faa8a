// GET /v1/me: who the access token belongs to.
import type { FastifyPluginAsync } from 'fastify';
import { callerOf } from './auth.js';

export const profileRoutes: FastifyPluginAsync = async (app) => {
  app.get('/me', async (request) => {
    const caller = callerOf(request);
    return { id: caller.userId, display_name: caller.displayName };
  });
};
