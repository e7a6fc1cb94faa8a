// X OAuth 2.0 (§1.1-1.5): the authorize window at /i/oauth2/authorize (PKCE S256 or plain, method compared
// case-insensitively; auto-approves, denies when configured, or with `consent: 'page'` shows the consent page),
// the token endpoint for a confidential client (HTTP Basic) with authorization_code (30 s single-use code, exact
// redirect_uri, code_verifier) and refresh_token (rotation: single use, the old token unknown afterwards), revoke,
// and GET /2/users/me.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { authorize } from './auth.js';
import { sendOAuthError } from './envelope.js';
import type { ResolvedXSandboxOptions } from './options.js';
import type { Grant, XStore } from './store.js';

type Form = Record<string, string | undefined>;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `client_id:client_secret` from a Basic header, if it names this app. */
function basicClient(request: FastifyRequest, options: ResolvedXSandboxOptions): boolean {
  const raw = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!raw) return false;
  return same(Buffer.from(raw, 'base64').toString('utf8'), `${options.clientId}:${options.clientSecret}`);
}

const tokenAnswer = (g: Grant, options: ResolvedXSandboxOptions) => ({
  token_type: 'bearer', expires_in: options.accessTokenSeconds, access_token: g.accessToken, scope: g.scopes.join(' '),
  ...(g.refreshToken ? { refresh_token: g.refreshToken } : {}),
});

export function oauthRoutes(store: XStore, options: ResolvedXSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.route({ method: ['GET', 'POST'], url: '/i/oauth2/authorize', handler: async (request, reply) => {
      const q = authorizeParams(request);
      if (q.client_id !== options.clientId) return reply.code(400).type('text/plain').send('Something went wrong: unknown client_id');
      if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return reply.code(400).type('text/plain').send('Something went wrong: invalid redirect_uri');
      const method = q.code_challenge_method?.toLowerCase();
      if (q.response_type !== 'code' || !q.scope || !q.state || !q.code_challenge || (method !== 's256' && method !== 'plain')) {
        return reply.code(400).type('text/plain').send('Something went wrong: response_type=code, scope, state, code_challenge and code_challenge_method (S256 or plain) are required');
      }
      const target = new URL(q.redirect_uri);
      target.searchParams.set('state', q.state);
      const denied = () => {
        target.searchParams.set('error', 'access_denied');
        return reply.redirect(target.toString(), 302);
      };
      if (options.denyLogin) return denied();
      const asked = q.scope.split(' ').filter(Boolean);
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'X', clientId: q.client_id, accounts: [`X account @${options.user.username}`], scopes: asked, redirectUri: q.redirect_uri,
      });
      if (!decision) return reply;
      if (decision === 'deny') return denied();
      const granted = options.user.grantedScopes ? asked.filter((s) => options.user.grantedScopes!.includes(s)) : asked;
      target.searchParams.set('code', store.newCode({ redirectUri: q.redirect_uri, scopes: granted, challenge: q.code_challenge, method: method === 's256' ? 'S256' : 'plain' }));
      return reply.redirect(target.toString(), 302);
    } });

    app.post('/2/oauth2/token', async (request, reply) => {
      if (!basicClient(request, options)) return sendOAuthError(reply, 401, 'unauthorized_client', 'Missing valid authorization header');
      const f = (request.body ?? {}) as Form;
      if (f.grant_type === 'authorization_code') {
        const code = f.code ? store.codes.get(f.code) : undefined;
        const invalid = () => sendOAuthError(reply, 400, 'invalid_request', 'Value passed for the authorization code was invalid.');
        if (!code || code.used || code.expiresAt <= Date.now() || code.redirectUri !== f.redirect_uri || !f.code_verifier) return invalid();
        const expected = code.method === 'S256' ? createHash('sha256').update(f.code_verifier).digest('base64url') : f.code_verifier;
        code.used = true;
        if (!same(expected, code.challenge)) return invalid();
        return tokenAnswer(store.newGrant(options.user.id, code.scopes), options);
      }
      if (f.grant_type === 'refresh_token') {
        const grant = f.refresh_token ? store.byRefreshToken(f.refresh_token) : undefined;
        if (!grant) return sendOAuthError(reply, 400, 'invalid_request', 'Value passed for the token was invalid.');
        store.rotate(grant);
        return tokenAnswer(grant, options);
      }
      return sendOAuthError(reply, 400, 'invalid_request', 'grant_type must be authorization_code or refresh_token');
    });

    app.post('/2/oauth2/revoke', async (request, reply) => {
      if (!basicClient(request, options)) return sendOAuthError(reply, 401, 'unauthorized_client', 'Missing valid authorization header');
      const token = ((request.body ?? {}) as Form).token;
      if (!token) return sendOAuthError(reply, 400, 'invalid_request', 'Missing required parameter [token].');
      // Revoking either token of a grant ends the grant; an unknown token is already revoked (RFC 7009).
      const grant = store.byAccessToken(token) ?? store.byRefreshToken(token);
      if (grant) grant.revoked = true;
      return { revoked: true };
    });

    app.get('/2/users/me', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'users_me', ['tweet.read', 'users.read']);
      if (!grant) return reply;
      return { data: { id: options.user.id, name: options.user.name, username: options.user.username } };
    });
  };
}
