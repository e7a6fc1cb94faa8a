// Authentication for everything under /api:
//   /api/admin/**                         Authorization: Bearer <ADMIN_TOKEN>
//   /api/social/callback/*, /api/webhooks/*  none here (OAuth state / platform signatures authenticate them)
//   every other /api/** route             Authorization: Bearer <API key>; sets request.user
// The decision uses the matched route pattern, not the raw URL, so an encoded path (`/api/%61dmin/...`) cannot
// reach an admin route under the API-key rule. Unmatched /api URLs need an API key too: 401 before 404 keeps the
// route table from being probed anonymously.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { isAdminToken } from '../../auth/admin-token.js';
import { authenticateApiKey } from '../../auth/api-keys.js';
import { bearerToken } from '../../auth/bearer.js';
import { unauthorized } from '../../errors.js';

type AuthMode = 'none' | 'admin' | 'api_key';

const unauthenticatedPrefixes = ['/api/social/callback/', '/api/webhooks/'];

function authModeOf(request: FastifyRequest): AuthMode {
  const pattern = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  if (pattern !== '/api' && !pattern.startsWith('/api/')) return 'none';
  if (pattern === '/api/admin' || pattern.startsWith('/api/admin/')) return 'admin';
  if (request.routeOptions.config?.public) return 'none';
  if (unauthenticatedPrefixes.some((p) => pattern.startsWith(p))) return 'none';
  return 'api_key';
}

export default fp(async (app) => {
  app.decorateRequest('user', null as never);
  app.decorateRequest('apiKeyId', null);

  app.addHook('onRequest', async (request) => {
    const mode = authModeOf(request);
    if (mode === 'none') return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized('an Authorization: Bearer header is required');

    if (mode === 'admin') {
      if (!isAdminToken(token, app.config.ADMIN_TOKEN)) throw unauthorized('invalid admin token');
      return;
    }
    const found = await authenticateApiKey(app.database.db, token);
    if (!found) throw unauthorized('invalid or revoked API key');
    request.user = found.user;
    request.apiKeyId = found.apiKeyId;
  });
}, { name: 'auth', dependencies: ['database'] });
