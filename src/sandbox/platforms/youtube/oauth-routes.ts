// Google OAuth 2.0 for a web server app (§3.1-3.4): the consent window at /o/oauth2/v2/auth (auto-approves, denies
// when configured, or with `consent: 'page'` shows the consent page), the token endpoint (client id and secret in
// the form) with authorization_code (single-use code, exact redirect_uri; a refresh token only with
// access_type=offline) and refresh_token (no rotation: the same refresh token keeps working; revoked or, for an app
// in Testing status, older than 7 days → 400 invalid_grant), revoke (either token ends the grant), and channels.list
// (mine=true) for the connected channel.
import type { FastifyPluginAsync } from 'fastify';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { authorize } from './auth.js';
import { sendGoogleError, sendOAuthError } from './envelope.js';
import type { ResolvedYoutubeSandboxOptions } from './options.js';
import type { Grant, YoutubeStore } from './store.js';

type Form = Record<string, string | undefined>;

const tokenAnswer = (g: Grant, options: ResolvedYoutubeSandboxOptions, withRefresh: boolean) => ({
  access_token: g.accessToken, expires_in: options.accessTokenSeconds, token_type: 'Bearer', scope: g.scopes.join(' '),
  ...(withRefresh && g.refreshToken ? { refresh_token: g.refreshToken, ...(g.refreshExpiresAt ? { refresh_token_expires_in: Math.max(0, Math.floor((g.refreshExpiresAt - Date.now()) / 1000)) } : {}) } : {}),
});

export function oauthRoutes(store: YoutubeStore, options: ResolvedYoutubeSandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.route({ method: ['GET', 'POST'], url: '/o/oauth2/v2/auth', handler: async (request, reply) => {
      const q = authorizeParams(request);
      if (q.client_id !== options.clientId) return reply.code(400).type('text/plain').send('Error 401: invalid_client. The OAuth client was not found.');
      if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return reply.code(400).type('text/plain').send('Error 400: redirect_uri_mismatch');
      if (q.response_type !== 'code' || !q.scope) return reply.code(400).type('text/plain').send('Error 400: invalid_request. Required parameter is missing: response_type=code and scope');
      const target = new URL(q.redirect_uri);
      if (q.state) target.searchParams.set('state', q.state);
      const denied = () => {
        target.searchParams.set('error', 'access_denied');
        return reply.redirect(target.toString(), 302);
      };
      if (options.denyLogin) return denied();
      const asked = q.scope.split(' ').filter(Boolean);
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'Google (YouTube)', clientId: q.client_id, accounts: [`YouTube channel ${options.channel.title} (${options.channel.customUrl})`], scopes: asked, redirectUri: q.redirect_uri,
      });
      if (!decision) return reply;
      if (decision === 'deny') return denied();
      const granted = options.channel.grantedScopes ? asked.filter((s) => options.channel.grantedScopes!.includes(s)) : asked;
      target.searchParams.set('code', store.newCode({ redirectUri: q.redirect_uri, scopes: granted, offline: q.access_type === 'offline' }));
      target.searchParams.set('scope', granted.join(' '));
      return reply.redirect(target.toString(), 302);
    } });

    app.post('/token', async (request, reply) => {
      const f = (request.body ?? {}) as Form;
      if (f.client_id !== options.clientId || f.client_secret !== options.clientSecret) return sendOAuthError(reply, 401, 'invalid_client', 'The OAuth client was not found.');
      if (f.grant_type === 'authorization_code') {
        const code = f.code ? store.codes.get(f.code) : undefined;
        if (!code || code.used || code.expiresAt <= Date.now() || code.redirectUri !== f.redirect_uri) {
          if (code) code.used = true;
          return sendOAuthError(reply, 400, 'invalid_grant', 'Bad Request');
        }
        code.used = true;
        return tokenAnswer(store.newGrant(code.scopes, code.offline), options, true);
      }
      if (f.grant_type === 'refresh_token') {
        const grant = f.refresh_token ? store.byRefreshToken(f.refresh_token) : undefined;
        if (!grant || grant.revoked || (grant.refreshExpiresAt !== undefined && grant.refreshExpiresAt <= Date.now())) {
          return sendOAuthError(reply, 400, 'invalid_grant', 'Token has been expired or revoked.');
        }
        store.renew(grant);
        return tokenAnswer(grant, options, false);
      }
      return sendOAuthError(reply, 400, 'unsupported_grant_type', 'Invalid grant_type: ' + (f.grant_type ?? ''));
    });

    app.post('/revoke', async (request, reply) => {
      const token = ((request.body ?? {}) as Form).token ?? (request.query as Form).token;
      const grant = token ? store.byAccessToken(token) ?? store.byRefreshToken(token) : undefined;
      if (!grant || grant.revoked) return sendOAuthError(reply, 400, 'invalid_token', 'Token expired or revoked');
      grant.revoked = true;
      return {};
    });

    app.get('/youtube/v3/channels', async (request, reply) => {
      const q = request.query as Form;
      if (q.mine !== 'true') return sendGoogleError(reply, 400, 'missingRequiredParameter', 'No filter selected. Expected one of: mine, id, forHandle.');
      if (!q.part) return sendGoogleError(reply, 400, 'missingRequiredParameter', 'Required parameter: part');
      if (!authorize(store, request, reply, 'channels.list')) return reply;
      const parts = new Set(q.part.split(','));
      const c = options.channel;
      return {
        kind: 'youtube#channelListResponse', etag: 'sandbox', pageInfo: { totalResults: 1, resultsPerPage: 5 },
        items: [{
          kind: 'youtube#channel', etag: 'sandbox', id: c.id,
          ...(parts.has('snippet') ? { snippet: { title: c.title, description: '', customUrl: c.customUrl, publishedAt: '2020-01-01T00:00:00Z' } } : {}),
          ...(parts.has('contentDetails') ? { contentDetails: { relatedPlaylists: { likes: '', uploads: `UU${c.id.slice(2)}` } } } : {}),
          ...(parts.has('statistics') ? { statistics: { viewCount: '0', subscriberCount: String(c.subscriberCount), hiddenSubscriberCount: false, videoCount: String([...store.videos.values()].filter((v) => !v.deleted).length) } } : {}),
        }],
      };
    });
  };
}
