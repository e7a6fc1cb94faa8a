// User and API key management for operators (admin token; see plugins/app/auth.ts). Keys are shown once, here.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../../db/schema.js';
import { createApiKey, createUserWithApiKey, findUserByEmail } from '../../auth/api-keys.js';
import { conflict, notFound } from '../../errors.js';
import { errorResponses, idParamsSchema } from '../../schemas/common.js';
import { ianaTimeZone } from '../../validation/timezone.js';
import { newApiKeySchema, userSchema, presentUser } from '../me/user-schemas.js';

const createUserBody = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200).optional(),
  timezone: ianaTimeZone.optional(),
});

// The body is optional: a bare POST issues a key named `default`.
const createKeyBody = z.strictObject({ name: z.string().trim().min(1).max(100).optional() }).nullish();

const adminSecurity = [{ adminToken: [] }];

const adminUserRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;

  app.post('/api/admin/users', {
    schema: {
      tags: ['admin'], summary: 'Create a user and its first API key (the key is shown only in this response)', security: adminSecurity,
      body: createUserBody,
      response: { 201: z.object({ user: userSchema, apiKey: newApiKeySchema }).describe('The user and its first key'), ...errorResponses(400, 401, 409, 429) },
    },
  }, async (request, reply) => {
    const { email, name, timezone } = request.body;
    if (await findUserByEmail(db, email)) {
      throw conflict(`a user with email ${email} already exists`, [
        { field: 'email', rule: 'unique', message: 'already registered; use POST /api/admin/users/{id}/api-keys for another key' },
      ]);
    }
    const { user, apiKey, created } = await createUserWithApiKey(db, { email, name: name ?? null, ...(timezone ? { timezone } : {}) });
    // Lost a race with a concurrent creation of the same email: report it like the check above would have.
    if (!created) throw conflict(`a user with email ${email} already exists`, [{ field: 'email', rule: 'unique', message: 'already registered' }]);
    return reply.code(201).send({ user: presentUser(user), apiKey });
  });

  app.post('/api/admin/users/:id/api-keys', {
    schema: {
      tags: ['admin'], summary: 'Issue another API key for a user (shown only in this response)', security: adminSecurity,
      params: idParamsSchema,
      body: createKeyBody,
      response: { 201: z.object({ apiKey: newApiKeySchema }).describe('The new key'), ...errorResponses(400, 401, 404, 429) },
    },
  }, async (request, reply) => {
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, request.params.id));
    if (!user) throw notFound('user');
    const apiKey = await createApiKey(db, user.id, request.body?.name);
    return reply.code(201).send({ apiKey });
  });
};

export default adminUserRoutes;
