// Authentication for every route, private unless it says otherwise:
//   routes with `config: { public: true }`   none here (probes, docs, OAuth callback, webhooks, signed media URLs:
//                                            each is public on purpose, or authenticated by a state or signature)
//   /api/admin/**                            Authorization: Bearer <ADMIN_TOKEN>
//   every other route, in /api or not        Authorization: Bearer <API key>, or the browser session cookie
//                                            (POST /api/session) plus X-CSRF-Token on unsafe methods; sets
//                                            request.user
// A route added without the flag is therefore never public by accident. The decision uses the matched route pattern,
// not the raw URL, so an encoded path (`/api/%61dmin/...`) cannot reach an admin route under the API-key rule.
// Unmatched URLs need an API key too: 401 before 404 keeps the route table from being probed anonymously.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { isAdminToken } from '../../auth/admin-token.js';
import { ApiKeyCache } from '../../auth/api-key-cache.js';
import { bearerToken } from '../../auth/bearer.js';
import { SESSION_COOKIE, CSRF_HEADER, csrfTokenMatches, findSession } from '../../auth/sessions.js';
import { ApiError, unauthorized } from '../../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type AuthMode = 'none' | 'admin' | 'api_key';

function authModeOf(request: FastifyRequest): AuthMode {
  if (request.routeOptions.config?.public === true) return 'none';
  const pattern = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  if (pattern === '/api/admin' || pattern.startsWith('/api/admin/')) return 'admin';
  return 'api_key';
}

export default fp(async (app) => {
  app.decorateRequest('user', null as never);
  app.decorateRequest('apiKeyId', null);
  app.decorateRequest('sessionToken', null);
  const apiKeys = new ApiKeyCache(app.database.db, app.config.API_KEY_CACHE_SECONDS);
  app.decorate('apiKeys', apiKeys);

  app.addHook('onRequest', async (request) => {
    const mode = authModeOf(request);
    if (mode === 'none') return;
    const token = bearerToken(request.headers.authorization);
    if (!token && mode === 'api_key') {
      const session = request.cookies[SESSION_COOKIE];
      if (session) {
        const found = await findSession(app.database.db, session);
        if (!found) throw unauthorized('the session has ended: sign in again');
        const csrf = request.headers[CSRF_HEADER];
        if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(session, typeof csrf === 'string' ? csrf : undefined)) {
          throw new ApiError(403, 'csrf_token_invalid', `a request authenticated by the session cookie must send the session's CSRF token in ${CSRF_HEADER}`);
        }
        request.user = found.user;
        request.apiKeyId = found.apiKeyId;
        request.sessionToken = session;
        return;
      }
    }
    if (!token) throw unauthorized('an Authorization: Bearer header is required');

    if (mode === 'admin') {
      if (!isAdminToken(token, app.config.ADMIN_TOKEN)) throw unauthorized('invalid admin token');
      return;
    }
    const found = await apiKeys.authenticate(token);
    if (!found) throw unauthorized('invalid or revoked API key');
    request.user = found.user;
    request.apiKeyId = found.apiKeyId;
  });
}, { name: 'auth', dependencies: ['database', '@fastify/cookie'] });
