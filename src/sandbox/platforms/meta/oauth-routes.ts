// Facebook Login (§3): the dialog (auto-approves the configured user, denies when configured, or with
// `consent: 'page'` shows a consent page whose Allow / Deny POST back to the dialog), code → short-lived
// token, fb_exchange_token → long-lived token (~60 days), /me, /me/accounts with each page's
// instagram_business_account, /me/permissions (GET lists, DELETE revokes the login).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { tokenProblem, type GraphAuth } from './auth.js';
import { sendGraphError } from './envelope.js';
import type { ResolvedMetaOptions } from './options.js';
import type { MetaStore } from './store.js';

type Query = Record<string, string | undefined>;

export function oauthRoutes(store: MetaStore, options: ResolvedMetaOptions, auth: GraphAuth): FastifyPluginAsync {
  return async (app) => {
    // POST: the consent page's Allow / Deny, with the original parameters.
    app.route({ method: ['GET', 'POST'], url: '/:ver/dialog/oauth', handler: async (request, reply) => {
      const q = authorizeParams(request);
      if (q.client_id !== options.appId) return reply.code(400).type('text/plain').send('Invalid App ID');
      if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return reply.code(400).type('text/plain').send("URL blocked: redirect_uri is not a valid OAuth redirect URI");
      if (q.response_type && q.response_type !== 'code') return reply.code(400).type('text/plain').send('response_type must be code (server flow)');
      const target = new URL(q.redirect_uri);
      if (q.state !== undefined) target.searchParams.set('state', q.state);
      const userDenied = () => {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_code', '200');
        target.searchParams.set('error_description', 'Permissions error');
        target.searchParams.set('error_reason', 'user_denied');
        return reply.redirect(target.toString(), 302);
      };
      if (options.denyLogin) return userDenied();
      const asked = (q.scope ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'Meta', clientId: q.client_id, scopes: asked, redirectUri: q.redirect_uri,
        accounts: [
          `Facebook user ${options.user.name}`,
          ...options.user.pages.flatMap((p) => [`Facebook Page ${p.name}`, ...(p.instagram ? [`Instagram account @${p.instagram.username} (via ${p.name})`] : [])]),
        ],
      });
      if (!decision) return reply;
      if (decision === 'deny') return userDenied();
      const granted = options.user.grantedScopes ? asked.filter((s) => options.user.grantedScopes!.includes(s)) : asked;
      target.searchParams.set('code', store.newCode(q.redirect_uri, granted));
      return reply.redirect(target.toString(), 302);
    } });

    const accessToken = async (request: FastifyRequest, reply: FastifyReply) => {
      const q = { ...(request.query as Query), ...((request.body as Query | undefined) ?? {}) };
      if (q.client_id !== options.appId || q.client_secret !== options.appSecret) {
        return sendGraphError(reply, { code: 101, message: 'Error validating application. Invalid application ID or secret.' });
      }
      if (q.grant_type === 'fb_exchange_token') {
        const t = q.fb_exchange_token ? store.tokens.get(q.fb_exchange_token) : undefined;
        const invalid = tokenProblem(t);
        if (invalid) return sendGraphError(reply, invalid);
        // A long-lived token exchanged again keeps its expiry unless the sandbox is told otherwise (§3.3).
        const keep = t!.longLived && options.longLivedExchange === 'same_expiry';
        const long = store.newToken(t!.userId, t!.scopes, true, keep ? t!.expiresAt : undefined);
        return { access_token: long.token, token_type: 'bearer', expires_in: Math.max(0, Math.round((long.expiresAt - Date.now()) / 1000)) };
      }
      const grant = q.code ? store.codes.get(q.code) : undefined;
      if (!grant || grant.used || grant.expiresAt <= Date.now()) {
        return sendGraphError(reply, { code: 100, subcode: 36009, message: 'This authorization code has been used or has expired.' });
      }
      if (grant.redirectUri !== q.redirect_uri) {
        return sendGraphError(reply, { code: 100, subcode: 36008, message: 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request' });
      }
      grant.used = true;
      const t = store.newToken(options.user.id, grant.scopes, false);
      return { access_token: t.token, token_type: 'bearer', expires_in: options.shortLivedTokenSeconds };
    };
    app.get('/:ver/oauth/access_token', accessToken);
    app.post('/:ver/oauth/access_token', accessToken);

    app.get('/:ver/me', async (request, reply) => {
      if (!auth.check(request, reply)) return reply;
      return { id: options.user.id, name: options.user.name };
    });

    // Each Page with the user's tasks on it and a Page token (§3.4), `limit` per answer (at most pagesPerResponse)
    // and `after` the cursor of the previous answer; `paging.next` only while more follow.
    app.get('/:ver/me/accounts', async (request, reply) => {
      const t = auth.check(request, reply);
      if (!t) return reply;
      if (!auth.requireScope(t, reply, 'pages_show_list')) return reply;
      const q = request.query as Query;
      const limit = Math.min(options.pagesPerResponse, Math.max(1, Number(q.limit) || options.pagesPerResponse));
      const start = q.after ? Number(Buffer.from(q.after, 'base64url').toString('utf8')) || 0 : 0;
      const all = options.user.pages;
      const slice = all.slice(start, start + limit);
      const cursor = (i: number) => Buffer.from(String(i)).toString('base64url');
      const more = start + limit < all.length;
      return {
        data: slice.map((p) => ({
          id: p.id, name: p.name, category: p.category ?? 'Media',
          access_token: store.pageTokenFor(t.token, p.id).token,
          tasks: p.tasks ?? ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'],
          ...(p.instagram ? { instagram_business_account: { id: p.instagram.id, username: p.instagram.username } } : {}),
        })),
        paging: {
          cursors: { before: cursor(start), after: cursor(start + slice.length) },
          ...(more ? { next: `${request.protocol}://${request.hostname}${request.url.split('?')[0]}?limit=${limit}&after=${cursor(start + slice.length)}` } : {}),
        },
      };
    });

    app.get('/:ver/me/permissions', async (request, reply) => {
      const t = auth.check(request, reply);
      if (!t) return reply;
      return { data: t.scopes.map((permission) => ({ permission, status: 'granted' })) };
    });

    app.delete('/:ver/me/permissions', async (request, reply) => {
      const t = auth.check(request, reply);
      if (!t) return reply;
      for (const other of store.tokens.values()) if (other.userId === t.userId) other.revoked = true;
      return { success: true };
    });
  };
}
