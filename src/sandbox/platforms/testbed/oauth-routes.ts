// OAuth 2 authorization-code flow with PKCE (S256 only) and rotating refresh tokens, as a real platform runs it.
// The authorize endpoint auto-approves (no login page), or with `consent: 'page'` answers a consent page whose
// Allow / Deny POST back to it. The token and revoke endpoints take form-encoded bodies and
// answer errors in RFC 6749 shape: `{ error: 'invalid_grant', error_description }`.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { sendError } from '../../core/errors.js';
import { ALL_SCOPES } from './auth.js';
import type { ResolvedTestbedOptions } from './options.js';
import { newSecretToken, type Grant, type TestbedStore } from './store.js';

const DEFAULT_SCOPE = 'profile posts.write';
const verifierFormat = /^[A-Za-z0-9._~-]{43,128}$/;

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const authorizeQuery = z.object({
  client_id: z.string().min(1),
  redirect_uri: z.url({ protocol: /^https?$/ }),
  state: z.string().optional(),
  response_type: z.string().optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
  scope: z.string().optional(),
  deny: z.string().optional(),
  login_hint: z.string().min(1).max(64).optional(),
});

const formBody = z.record(z.string(), z.string());

export function oauthRoutes(store: TestbedStore, options: ResolvedTestbedOptions): FastifyPluginAsync {
  function issueTokens(grant: Grant, reply: FastifyReply) {
    const now = Date.now();
    const accessToken = newSecretToken('testbed-at-');
    const refreshToken = newSecretToken('testbed-rt-');
    store.tokens.set(accessToken, { kind: 'access', grantId: grant.id, expiresAt: now + options.accessTokenTtlSeconds * 1000, retired: false });
    store.tokens.set(refreshToken, { kind: 'refresh', grantId: grant.id, expiresAt: now + options.refreshTokenTtlSeconds * 1000, retired: false });
    return reply.header('cache-control', 'no-store').send({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: options.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      refresh_expires_in: options.refreshTokenTtlSeconds,
      scope: grant.scope,
      open_id: grant.user.id,
    });
  }

  return async (app) => {
    // POST: the consent page's Allow / Deny, with the original parameters.
    app.route({ method: ['GET', 'POST'], url: '/oauth/authorize', handler: async (request, reply) => {
      const parsed = authorizeQuery.safeParse(authorizeParams(request));
      // Without a valid client and redirect URI there is nowhere trustworthy to send the user back to.
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        return sendError(reply, 400, 'invalid_request', 'client_id and an http(s) redirect_uri are required', details);
      }
      const q = parsed.data;
      const back = new URL(q.redirect_uri);
      const redirectWith = (params: Record<string, string>) => {
        for (const [k, v] of Object.entries(params)) back.searchParams.set(k, v);
        if (q.state !== undefined) back.searchParams.set('state', q.state);
        return reply.redirect(back.toString(), 302);
      };
      if (q.response_type !== undefined && q.response_type !== 'code') {
        return redirectWith({ error: 'unsupported_response_type', error_description: 'only response_type=code is supported' });
      }
      if (!q.code_challenge || q.code_challenge_method !== 'S256') {
        return redirectWith({ error: 'invalid_request', error_description: 'PKCE is required: code_challenge with code_challenge_method=S256' });
      }
      const scopes = (q.scope ?? DEFAULT_SCOPE).split(/[\s,]+/).filter(Boolean);
      const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s));
      if (unknown.length > 0 || scopes.length === 0) {
        return redirectWith({ error: 'invalid_scope', error_description: `unknown scope: ${unknown.join(' ') || '(none requested)'}` });
      }
      const userDenied = () => redirectWith({ error: 'access_denied', error_description: 'The user denied the authorization request.' });
      if (options.denyAuthorization || q.deny === '1' || q.deny === 'true') return userDenied();
      const user = q.login_hint ? { id: q.login_hint, displayName: `Testbed ${q.login_hint}` } : options.user;
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'Testbed', clientId: q.client_id, accounts: [`${user.displayName} (${user.id})`], scopes, redirectUri: q.redirect_uri,
      });
      if (!decision) return reply;
      if (decision === 'deny') return userDenied();
      const code = newSecretToken('tbc_');
      store.codes.set(code, {
        code, clientId: q.client_id, redirectUri: q.redirect_uri, codeChallenge: q.code_challenge, scope: scopes.join(' '), user,
        expiresAt: Date.now() + options.authorizationCodeTtlSeconds * 1000, used: false,
      });
      return redirectWith({ code });
    } });

    app.post('/oauth/token', async (request, reply) => {
      const parsed = formBody.safeParse(request.body);
      if (!parsed.success) return oauthError(reply, 400, 'invalid_request', 'body must be application/x-www-form-urlencoded');
      const f = parsed.data;
      if (!f.client_id) return oauthError(reply, 400, 'invalid_request', 'client_id is required');
      if (options.clientSecret !== undefined && !sameString(f.client_secret ?? '', options.clientSecret)) {
        return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
      }

      if (f.grant_type === 'authorization_code') {
        if (!f.code || !f.redirect_uri || !f.code_verifier) {
          return oauthError(reply, 400, 'invalid_request', 'code, redirect_uri and code_verifier are required');
        }
        const code = store.codes.get(f.code);
        if (!code || code.used || code.expiresAt <= Date.now()) {
          return oauthError(reply, 400, 'invalid_grant', 'authorization code is invalid, expired or already used');
        }
        code.used = true; // single use, whatever happens next
        if (code.clientId !== f.client_id) return oauthError(reply, 400, 'invalid_grant', 'code was issued to another client');
        if (code.redirectUri !== f.redirect_uri) return oauthError(reply, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
        if (!verifierFormat.test(f.code_verifier)) return oauthError(reply, 400, 'invalid_request', 'code_verifier must be 43-128 unreserved characters');
        if (!sameString(s256(f.code_verifier), code.codeChallenge)) return oauthError(reply, 400, 'invalid_grant', 'code_verifier does not match code_challenge');
        const grant: Grant = { id: randomUUID(), clientId: code.clientId, user: code.user, scope: code.scope, createdAt: Date.now(), revoked: false, refreshedAt: [] };
        store.grants.set(grant.id, grant);
        return issueTokens(grant, reply);
      }

      if (f.grant_type === 'refresh_token') {
        if (!f.refresh_token) return oauthError(reply, 400, 'invalid_request', 'refresh_token is required');
        const old = store.tokens.get(f.refresh_token);
        const grant = old ? store.grants.get(old.grantId) : undefined;
        if (!old || old.kind !== 'refresh' || old.retired || old.expiresAt <= Date.now() || !grant || grant.revoked) {
          return oauthError(reply, 400, 'invalid_grant', 'refresh token is invalid, expired, revoked or already used');
        }
        if (grant.clientId !== f.client_id) return oauthError(reply, 400, 'invalid_grant', 'refresh token was issued to another client');
        old.retired = true; // rotation: the old refresh token is spent
        grant.refreshedAt.push(Date.now());
        return issueTokens(grant, reply);
      }

      return oauthError(reply, 400, 'unsupported_grant_type', `grant_type ${f.grant_type ?? '(missing)'} is not supported`);
    });

    // RFC 7009: answers 200 whether or not the token was known. Revoking any token of a grant ends the whole grant.
    app.post('/oauth/revoke', async (request, reply) => {
      const parsed = formBody.safeParse(request.body);
      const token = parsed.success ? parsed.data.token : undefined;
      if (!token) return oauthError(reply, 400, 'invalid_request', 'token is required');
      const issued = store.tokens.get(token);
      if (issued) {
        const grant = store.grants.get(issued.grantId);
        if (grant) grant.revoked = true;
      } else if (token.startsWith('testbed-')) {
        store.revokedSeeded.add(token);
      }
      return reply.send({});
    });
  };
}
