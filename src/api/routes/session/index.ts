// Browser sign-in for the dashboard: POST exchanges an API key for an HttpOnly session cookie and answers the CSRF
// token that cookie-authenticated unsafe requests must send; GET says who is signed in (and the CSRF token again,
// after a reload); DELETE signs out. API clients keep using Authorization: Bearer and need none of this.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authenticateApiKey } from '../../auth/api-keys.js';
import { SESSION_COOKIE, createSession, csrfTokenOf, revokeSession } from '../../auth/sessions.js';
import { ApiError, unauthorized } from '../../errors.js';
import { errorResponses } from '../../schemas/common.js';
import { presentUser, userSchema } from '../me/user-schemas.js';

const tags = ['session'];
const sessionSchema = z.object({
  user: userSchema,
  csrfToken: z.string().nullable().describe('Send as X-CSRF-Token on every POST, PUT and DELETE authenticated by the session cookie; null for a Bearer caller'),
  expiresAt: z.iso.datetime().nullable().describe('When the session ends; null for a Bearer caller'),
});

const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;
  const ttlMs = app.config.SESSION_TTL_HOURS * 3600_000;
  const secure = app.config.PUBLIC_BASE_URL.startsWith('https:');
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

  app.post('/api/session', {
    config: { public: true },
    schema: {
      tags, summary: 'Sign in a browser: exchange an API key for an HttpOnly session cookie', security: [],
      body: z.strictObject({ apiKey: z.string().min(1).max(200).describe('An API key of the user (hk_…); kept by no browser storage') }),
      response: { 200: sessionSchema.describe('Signed in; the cookie is set'), ...errorResponses(400, 401, 429) },
    },
  }, async (request, reply) => {
    const found = await authenticateApiKey(db, request.body.apiKey);
    if (!found) throw unauthorized('invalid or revoked API key');
    const session = await createSession(db, { userId: found.user.id, apiKeyId: found.apiKeyId, ttlMs });
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: session.expiresAt });
    return { user: presentUser(found.user), csrfToken: csrfTokenOf(session.token), expiresAt: session.expiresAt.toISOString() };
  });

  app.get('/api/session', {
    schema: {
      tags, summary: 'Who is signed in (with the session\'s CSRF token, for a page that was reloaded)',
      response: { 200: sessionSchema.describe('The caller'), ...errorResponses(401, 429) },
    },
  }, async (request) => ({
    user: presentUser(request.user),
    csrfToken: request.sessionToken ? csrfTokenOf(request.sessionToken) : null,
    expiresAt: null,
  }));

  app.delete('/api/session', {
    schema: {
      tags, summary: 'Sign out: end the browser session and clear its cookie',
      response: { 204: z.null().describe('Signed out'), ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    if (!request.sessionToken) throw new ApiError(400, 'no_session', 'this request is not authenticated by a session cookie: there is nothing to sign out');
    await revokeSession(db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send(null);
  });
};

export default sessionRoutes;
