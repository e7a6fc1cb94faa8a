// LinkedIn login (§2.1-2.5): the authorize window (auto-approves the configured member, denies when configured, or
// with `consent: 'page'` shows a consent page whose Allow / Deny POST back to the window), code → 60-day access token
// (credentials in the form body, never Basic; a refresh token only for apps configured with `refreshTokens`, its
// 365-day horizon fixed at consent), refresh_token → a fresh access token, revoke, and the OIDC userinfo.
import type { FastifyPluginAsync } from 'fastify';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { authorize } from './auth.js';
import type { ResolvedLinkedinSandboxOptions } from './options.js';
import type { LinkedinStore } from './store.js';

type Form = Record<string, string | undefined>;
const secondsLeft = (at: number) => Math.max(0, Math.round((at - Date.now()) / 1000));
const oauthError = (error: string, description: string) => ({ error, error_description: description });

export function oauthRoutes(store: LinkedinStore, options: ResolvedLinkedinSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    // POST: the consent page's Allow / Deny, with the original parameters.
    app.route({ method: ['GET', 'POST'], url: '/oauth/v2/authorization', handler: async (request, reply) => {
      const q = authorizeParams(request);
      if (q.client_id !== options.clientId) return reply.code(400).type('text/plain').send('Invalid client_id');
      if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return reply.code(400).type('text/plain').send('The redirect_uri does not match the registered value');
      if (q.response_type !== 'code') return reply.code(400).type('text/plain').send('response_type must be code');
      const asked = (q.scope ?? '').split(/[ ,]+/).filter(Boolean);
      if (asked.length === 0) return reply.code(400).type('text/plain').send('scope is required');
      const target = new URL(q.redirect_uri);
      const cancelled = () => {
        target.searchParams.set('error', 'user_cancelled_authorize');
        target.searchParams.set('error_description', 'The user cancelled the authorization');
        if (q.state !== undefined) target.searchParams.set('state', q.state);
        return reply.redirect(target.toString(), 302);
      };
      if (options.denyLogin) return cancelled();
      const pages = asked.includes('w_organization_social') ? options.member.organizations.map((o) => `LinkedIn page ${o.localizedName}`) : [];
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'LinkedIn', clientId: q.client_id, accounts: [`LinkedIn member ${options.member.name}`, ...pages], scopes: asked, redirectUri: q.redirect_uri,
      });
      if (!decision) return reply;
      if (decision === 'deny') return cancelled();
      const granted = options.member.grantedScopes ? asked.filter((s) => options.member.grantedScopes!.includes(s)) : asked;
      target.searchParams.set('code', store.newCode(q.redirect_uri, granted));
      if (q.state !== undefined) target.searchParams.set('state', q.state);
      return reply.redirect(target.toString(), 302);
    } });

    app.post('/oauth/v2/accessToken', async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '');
      if (!type.startsWith('application/x-www-form-urlencoded')) return reply.code(400).send(oauthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded'));
      const f = (request.body ?? {}) as Form;
      if (f.client_id !== options.clientId || f.client_secret !== options.clientSecret) return reply.code(401).send(oauthError('invalid_client', 'Client authentication failed'));
      if (f.grant_type === 'authorization_code') {
        const grant = f.code ? store.codes.get(f.code) : undefined;
        if (!grant || grant.used || grant.expiresAt <= Date.now()) return reply.code(400).send(oauthError('invalid_grant', 'The authorization code is invalid, expired or already used'));
        if (grant.redirectUri !== f.redirect_uri) return reply.code(400).send(oauthError('invalid_redirect_uri', 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code'));
        grant.used = true;
        const t = store.newToken(options.member.sub, grant.scopes);
        const r = options.refreshTokens ? store.newRefreshToken(options.member.sub, grant.scopes) : undefined;
        return {
          access_token: t.token, expires_in: secondsLeft(t.expiresAt),
          ...(r ? { refresh_token: r.token, refresh_token_expires_in: secondsLeft(r.expiresAt) } : {}),
          scope: grant.scopes.join(','), token_type: 'Bearer',
          ...(grant.scopes.includes('openid') ? { id_token: `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: options.member.sub })).toString('base64url')}.` } : {}),
        };
      }
      if (f.grant_type === 'refresh_token') {
        const r = f.refresh_token ? store.refreshTokens.get(f.refresh_token) : undefined;
        if (!r || r.expiresAt <= Date.now()) return reply.code(400).send(oauthError('invalid_request', 'The provided authorization grant or refresh token is invalid, expired or revoked'));
        const t = store.newToken(r.sub, r.scopes);
        return { access_token: t.token, expires_in: secondsLeft(t.expiresAt), refresh_token: r.token, refresh_token_expires_in: secondsLeft(r.expiresAt) };
      }
      return reply.code(400).send(oauthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token'));
    });

    // §2.4 (UNCONFIRMED endpoint): the app gives up a member's access token.
    app.post('/oauth/v2/revoke', async (request, reply) => {
      const f = (request.body ?? {}) as Form;
      if (f.client_id !== options.clientId || f.client_secret !== options.clientSecret) return reply.code(401).send(oauthError('invalid_client', 'Client authentication failed'));
      const t = f.token ? store.tokens.get(f.token) : undefined;
      if (t) t.revoked = true;
      return reply.code(200).send();
    });

    app.get('/v2/userinfo', async (request, reply) => {
      const t = authorize(store, options, request, reply, false);
      if (!t) return reply;
      const m = options.member;
      if (!t.scopes.includes('openid')) return reply.code(403).send({ serviceErrorCode: 100, message: 'Not enough permissions to access: GET /userinfo', status: 403 });
      return {
        sub: m.sub, name: m.name, given_name: m.givenName, family_name: m.familyName, picture: `https://media.licdn.com/dms/image/${m.sub}`,
        locale: { country: 'US', language: 'en' }, ...(t.scopes.includes('email') ? { email: m.email, email_verified: true } : {}),
      };
    });
  };
}
