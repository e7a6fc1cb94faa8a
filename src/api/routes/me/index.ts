// The calling user, as identified by its API key (or session): read it, or change its name and time zone.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../../db/schema.js';
import { errorResponses } from '../../schemas/common.js';
import { ianaTimeZone } from '../../validation/timezone.js';
import { presentUser, userSchema } from './user-schemas.js';

const userChanges = z.strictObject({
  name: z.string().trim().min(1).max(200).nullable().optional().describe('Display name; null clears it'),
  timezone: ianaTimeZone.optional().describe('The zone calendars, schedules without a zone, stats days and best times use'),
}).refine((b) => b.name !== undefined || b.timezone !== undefined, { message: 'give name or timezone', params: { rule: 'required' } });

const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/me', {
    schema: {
      tags: ['users'], summary: 'The user the API key belongs to',
      response: { 200: userSchema.describe('The caller'), ...errorResponses(401, 429) },
    },
  }, async (request) => presentUser(request.user));

  app.patch('/api/me', {
    schema: {
      tags: ['users'], summary: 'Change the caller\'s name or time zone',
      description: 'Posts already scheduled keep their own zone; what reads "the user\'s zone" (calendar days, stats, best times, schedules given without a zone) uses the new one.',
      body: userChanges,
      response: { 200: userSchema.describe('The caller, changed'), ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request) => {
    const { name, timezone } = request.body;
    const [changed] = await app.database.db.update(users)
      .set({ ...(name !== undefined ? { name } : {}), ...(timezone ? { timezone } : {}) })
      .where(eq(users.id, request.user.id)).returning();
    // Every key of the user sees the change at once on this process (on others within API_KEY_CACHE_SECONDS).
    app.apiKeys.forgetUser(request.user.id);
    return presentUser(changed!);
  });
};

export default meRoutes;
