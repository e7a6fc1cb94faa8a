// Threads login (§6.1-6.3): the authorize window (auto-approves the configured user, denies when configured, or with
// `consent: 'page'` shows a consent page whose Allow / Deny POST back to the window), code → short-lived
// token (1 h) with user_id, th_exchange_token → long-lived token (60 days), th_refresh_token → a fresh 60 days for a
// long-lived token at least minRefreshAgeSeconds old and unexpired, and /me.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { tokenOf } from '../meta/auth.js';
import { sendGraphError } from '../meta/envelope.js';
import { checkToken, tokenProblem } from './auth.js';
import type { ResolvedThreadsSandboxOptions } from './options.js';
import type { ThreadsStore } from './store.js';

type Query = Record<string, string | undefined>;
const params = (request: FastifyRequest): Query => ({ ...(request.query as Query), ...((request.body as Query | undefined) ?? {}) });
const secondsLeft = (at: number) => Math.max(0, Math.round((at - Date.now()) / 1000));

export function oauthRoutes(store: ThreadsStore, options: ResolvedThreadsSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    // POST: the consent page's Allow / Deny, with the original parameters.
    app.route({ method: ['GET', 'POST'], url: '/oauth/authorize', handler: async (request, reply) => {
      const q = authorizeParams(request);
      if (q.client_id !== options.appId) return reply.code(400).type('text/plain').send('Invalid App ID');
      if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return reply.code(400).type('text/plain').send('redirect_uri is not a valid OAuth redirect URI');
      if (q.response_type !== 'code') return reply.code(400).type('text/plain').send('response_type must be code');
      if (!q.scope?.split(',').includes('threads_basic')) return reply.code(400).type('text/plain').send('scope must include threads_basic');
      const target = new URL(q.redirect_uri);
      if (q.state !== undefined) target.searchParams.set('state', q.state);
      const userDenied = () => {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_reason', 'user_denied');
        target.searchParams.set('error_description', 'Permissions error');
        return reply.redirect(target.toString(), 302);
      };
      if (options.denyLogin) return userDenied();
      const asked = q.scope.split(',').map((s) => s.trim()).filter(Boolean);
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'Threads', clientId: q.client_id, accounts: [`Threads profile @${options.user.username}`], scopes: asked, redirectUri: q.redirect_uri,
      });
      if (!decision) return reply;
      if (decision === 'deny') return userDenied();
      const granted = options.user.grantedScopes ? asked.filter((s) => options.user.grantedScopes!.includes(s)) : asked;
      target.searchParams.set('code', store.newCode(q.redirect_uri, granted));
      // §6.1: Threads appends `#_` to the callback URL.
      target.hash = '_';
      return reply.redirect(target.toString(), 302);
    } });

    const codeExchange = async (request: FastifyRequest, reply: FastifyReply) => {
      const q = params(request);
      if (q.client_id !== options.appId || q.client_secret !== options.appSecret) {
        return sendGraphError(reply, { code: 101, message: 'Error validating application. Invalid application ID or secret.' });
      }
      if (q.grant_type !== 'authorization_code') return sendGraphError(reply, { code: 100, message: 'grant_type must be authorization_code' });
      const grant = q.code ? store.codes.get(q.code) : undefined;
      if (!grant || grant.used || grant.expiresAt <= Date.now()) {
        return sendGraphError(reply, { code: 100, subcode: 36009, message: 'This authorization code has been used or has expired.' });
      }
      if (grant.redirectUri !== q.redirect_uri) return sendGraphError(reply, { code: 100, subcode: 36008, message: 'Error validating verification code: redirect_uri differs from the one used in the authorize request' });
      grant.used = true;
      const t = store.newToken(options.user.id, grant.scopes, false);
      return { access_token: t.token, user_id: options.user.id };
    };
    app.post('/oauth/access_token', codeExchange);
    app.get('/oauth/access_token', codeExchange);

    app.get('/access_token', async (request, reply) => {
      const q = params(request);
      if (q.grant_type !== 'th_exchange_token') return sendGraphError(reply, { code: 100, message: 'grant_type must be th_exchange_token' });
      if (q.client_secret !== options.appSecret) return sendGraphError(reply, { code: 101, message: 'Error validating application. Invalid application secret.' });
      const raw = tokenOf(request);
      const t = raw ? store.tokens.get(raw) : undefined;
      const invalid = tokenProblem(t);
      if (invalid) return sendGraphError(reply, invalid);
      if (t!.longLived) return sendGraphError(reply, { code: 100, message: 'Only a short-lived token can be exchanged for a long-lived one' });
      const long = store.newToken(t!.userId, t!.scopes, true);
      return { access_token: long.token, token_type: 'bearer', expires_in: secondsLeft(long.expiresAt) };
    });

    app.get('/refresh_access_token', async (request, reply) => {
      const q = params(request);
      if (q.grant_type !== 'th_refresh_token') return sendGraphError(reply, { code: 100, message: 'grant_type must be th_refresh_token' });
      const raw = tokenOf(request);
      const t = raw ? store.tokens.get(raw) : undefined;
      const invalid = tokenProblem(t);
      if (invalid) return sendGraphError(reply, invalid);
      if (!t!.longLived) return sendGraphError(reply, { code: 190, message: 'Only a long-lived token can be refreshed' });
      if (Date.now() - t!.issuedAt < options.minRefreshAgeSeconds * 1000) {
        return sendGraphError(reply, { code: 100, message: `The access token must be at least ${options.minRefreshAgeSeconds / 3600} hours old to be refreshed` });
      }
      const fresh = store.newToken(t!.userId, t!.scopes, true);
      return { access_token: fresh.token, token_type: 'bearer', expires_in: secondsLeft(fresh.expiresAt) };
    });

    app.get('/:ver/me', async (request, reply) => {
      const t = checkToken(store, request, reply);
      if (!t) return reply;
      return { id: options.user.id, username: options.user.username, name: options.user.username };
    });
  };
}
