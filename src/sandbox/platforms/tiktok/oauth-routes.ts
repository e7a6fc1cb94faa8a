// TikTok Login Kit, OAuth v2 (§1.1-1.5):
//   GET  /v2/auth/authorize/  the consent page: auto-approved for the configured sandbox user (or denied when
//                             configured), or with `consent: 'page'` a page whose Allow / Deny buttons POST back
//                             here. Comma-separated scopes; callback gets `code`, `scopes`, `state`, or
//                             `error` + `error_description`. Without a known client_key and an acceptable
//                             redirect_uri there is nowhere safe to redirect to: the page answers 400 itself.
//   POST /v2/oauth/token/     form body; authorization_code (exact redirect_uri match, single-use code, PKCE per the
//                             `pkce` option) and refresh_token (rotation; old token invalidated when configured).
//                             Flat `{ access_token, expires_in, open_id, refresh_expires_in, refresh_token, scope,
//                             token_type }`; errors flat `{ error, error_description, log_id }` with a
//                             configurable HTTP status.
//   POST /v2/oauth/revoke/    form body with the access token; empty body on success; ends the grant and sends
//                             `authorization.removed`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { authorizeParams, settleConsent } from '../../core/consent-page.js';
import { sendOAuthError } from './envelope.js';
import type { PublishLifecycle } from './lifecycle.js';
import { ALL_SCOPES, type ResolvedTiktokOptions } from './options.js';
import { newSecret, type Grant, type TiktokStore } from './store.js';
import type { TiktokWebhooks } from './webhook.js';

const verifierFormat = /^[A-Za-z0-9._~-]{43,128}$/;
const PKCE_INVALID = 'Code verifier or code challenge is invalid.';

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The challenge a verifier yields in each PKCE mode: hex (TikTok desktop guide) or base64url (RFC 7636). */
export function pkceChallenge(verifier: string, mode: 'hex' | 's256'): string {
  return createHash('sha256').update(verifier).digest(mode === 'hex' ? 'hex' : 'base64url');
}

const challengeFormat = { hex: /^[0-9a-f]{64}$/, s256: /^[A-Za-z0-9_-]{43}$/ } as const;

/**
 * Default redirect rule when no URIs are registered: TikTok's web rule (absolute https, static: no query, no
 * fragment, < 512 chars) or its desktop rule (http on localhost / 127.0.0.1).
 */
function acceptableRedirect(raw: string, registered: string[] | undefined): boolean {
  if (registered) return registered.includes(raw);
  if (raw.length >= 512 || raw.includes('#')) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.search !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

/** Authorization codes carry characters that must be URL-decoded before the exchange (§1.2), as TikTok's do. */
const newCode = (): string => `${newSecret(30)}*3!${Math.floor(1000 + Math.random() * 9000)}.va`;

type Form = Record<string, string | undefined>;

function formOf(request: FastifyRequest): Form | undefined {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !request.body || typeof request.body !== 'object') return undefined;
  return request.body as Form;
}

export function oauthRoutes(
  store: TiktokStore,
  options: ResolvedTiktokOptions,
  lifecycle: PublishLifecycle,
  webhooks: TiktokWebhooks,
): FastifyPluginAsync {
  const fail = (reply: FastifyReply, error: string, description: string) => sendOAuthError(reply, options.oauthErrorStatus, error, description);

  /** invalid_client unless client_key and client_secret are this app's. */
  function clientOk(f: Form, reply: FastifyReply): boolean {
    if (!f.client_key || f.client_key !== options.clientKey) {
      fail(reply, 'invalid_client', 'Client key is invalid or not found.');
      return false;
    }
    if (!sameString(f.client_secret ?? '', options.clientSecret)) {
      fail(reply, 'invalid_client', 'Client secret is invalid.');
      return false;
    }
    return true;
  }

  function issueTokens(grant: Grant, reply: FastifyReply, now = Date.now()) {
    const accessToken = `act.${newSecret(36)}`;
    const refreshToken = `rft.${newSecret(36)}`;
    store.tokens.set(accessToken, { kind: 'access', grantId: grant.id, expiresAt: now + options.accessTokenTtlSeconds * 1000, retired: false });
    store.tokens.set(refreshToken, { kind: 'refresh', grantId: grant.id, expiresAt: grant.refreshDeadline, retired: false });
    return reply.header('cache-control', 'no-store').send({
      access_token: accessToken,
      expires_in: options.accessTokenTtlSeconds,
      open_id: grant.openId,
      refresh_expires_in: Math.max(0, Math.floor((grant.refreshDeadline - now) / 1000)),
      refresh_token: refreshToken,
      scope: grant.scopes.join(','),
      token_type: 'Bearer',
    });
  }

  return async (app) => {
    // POST: the consent page's Allow / Deny, with the original parameters.
    app.route({ method: ['GET', 'POST'], url: '/v2/auth/authorize/', handler: async (request, reply) => {
      const q = authorizeParams(request);
      if (!q.client_key || q.client_key !== options.clientKey) {
        return sendOAuthError(reply, 400, 'invalid_client', 'client_key is missing or unknown; cannot redirect back.');
      }
      if (!q.redirect_uri || !acceptableRedirect(q.redirect_uri, options.redirectUris)) {
        return sendOAuthError(reply, 400, 'invalid_request', 'redirect_uri is missing or does not match a registered redirect URI.');
      }
      const back = new URL(q.redirect_uri);
      const redirectWith = (params: Record<string, string>) => {
        for (const [k, v] of Object.entries(params)) back.searchParams.set(k, v);
        if (q.state !== undefined) back.searchParams.set('state', q.state);
        return reply.redirect(back.toString(), 302);
      };
      if (q.response_type !== 'code') {
        return redirectWith({ error: 'unsupported_response_type', error_description: 'response_type must be code.' });
      }
      // Scopes are comma-separated: "a b" is one (unknown) scope, exactly as TikTok would read it.
      const scopes = (q.scope ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const refused = scopes.filter((s) => !ALL_SCOPES.includes(s) || !options.appScopes.includes(s));
      if (scopes.length === 0 || refused.length > 0) {
        return redirectWith({
          error: 'invalid_scope',
          error_description: scopes.length === 0 ? 'scope is required (comma-separated).' : `Scope not recognized or not approved for this app: ${refused.join(',')}.`,
        });
      }
      let codeChallenge: string | undefined;
      if (options.pkce !== 'off') {
        const format = challengeFormat[options.pkce];
        if (!q.code_challenge || q.code_challenge_method !== 'S256' || !format.test(q.code_challenge)) {
          return redirectWith({ error: 'invalid_request', error_description: PKCE_INVALID });
        }
        codeChallenge = q.code_challenge;
      }
      const userDenied = () => redirectWith({ error: 'access_denied', error_description: 'The user denied the authorization request.' });
      if (options.denyAuthorization) return userDenied();
      const user = q.sandbox_user ? store.users.get(q.sandbox_user) : store.defaultUser();
      if (!user) return redirectWith({ error: 'access_denied', error_description: `no sandbox user ${q.sandbox_user}` });
      const decision = settleConsent(options.consent, request, reply, {
        platform: 'TikTok', clientId: q.client_key, accounts: [`${user.displayName} (@${user.username})`], scopes, redirectUri: q.redirect_uri,
      });
      if (!decision) return reply;
      if (decision === 'deny') return userDenied();
      const code = newCode();
      store.codes.set(code, {
        clientKey: q.client_key, redirectUri: q.redirect_uri, scopes, openId: user.openId,
        ...(codeChallenge ? { codeChallenge } : {}),
        expiresAt: Date.now() + options.authorizationCodeTtlSeconds * 1000, used: false,
      });
      return redirectWith({ code, scopes: scopes.join(',') });
    } });

    app.post('/v2/oauth/token/', async (request, reply) => {
      const f = formOf(request);
      if (!f) return fail(reply, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
      if (!clientOk(f, reply)) return reply;
      const now = Date.now();

      if (f.grant_type === 'authorization_code') {
        if (!f.code || !f.redirect_uri) return fail(reply, 'invalid_request', 'code and redirect_uri are required.');
        const code = store.codes.get(f.code);
        if (!code || code.used || code.expiresAt <= now || code.clientKey !== f.client_key) {
          return fail(reply, 'invalid_grant', 'Authorization code is expired, invalid or already used.');
        }
        code.used = true; // single use, whatever happens next
        if (code.redirectUri !== f.redirect_uri) {
          return fail(reply, 'invalid_request', 'Redirect_uri is not matched with the uri when requesting code.');
        }
        if (code.codeChallenge !== undefined && options.pkce !== 'off') {
          if (!f.code_verifier || !verifierFormat.test(f.code_verifier)
            || !sameString(pkceChallenge(f.code_verifier, options.pkce), code.codeChallenge)) {
            return fail(reply, 'invalid_request', PKCE_INVALID);
          }
        }
        return issueTokens(store.newGrant(code.openId, code.scopes, now), reply, now);
      }

      if (f.grant_type === 'refresh_token') {
        if (!f.refresh_token) return fail(reply, 'invalid_request', 'refresh_token is required.');
        const old = store.tokens.get(f.refresh_token);
        const grant = old ? store.grants.get(old.grantId) : undefined;
        if (!old || old.kind !== 'refresh' || old.retired || old.expiresAt <= now || !grant || grant.revoked || grant.refreshDeadline <= now) {
          return fail(reply, 'invalid_grant', 'Refresh token is invalid, expired or revoked.');
        }
        grant.refreshes += 1;
        if (options.refreshTokenClock === 'reissue') grant.refreshDeadline = now + options.refreshTokenTtlSeconds * 1000;
        if (!options.rotateRefreshToken) {
          // Same refresh token back: only a new access token.
          const accessToken = `act.${newSecret(36)}`;
          store.tokens.set(accessToken, { kind: 'access', grantId: grant.id, expiresAt: now + options.accessTokenTtlSeconds * 1000, retired: false });
          old.expiresAt = grant.refreshDeadline;
          return reply.header('cache-control', 'no-store').send({
            access_token: accessToken, expires_in: options.accessTokenTtlSeconds, open_id: grant.openId,
            refresh_expires_in: Math.max(0, Math.floor((grant.refreshDeadline - now) / 1000)), refresh_token: f.refresh_token,
            scope: grant.scopes.join(','), token_type: 'Bearer',
          });
        }
        if (options.invalidateOldRefreshToken) old.retired = true;
        return issueTokens(grant, reply, now);
      }

      return fail(reply, 'unsupported_grant_type', `grant_type ${f.grant_type ?? '(missing)'} is not supported.`);
    });

    app.post('/v2/oauth/revoke/', async (request, reply) => {
      const f = formOf(request);
      if (!f) return fail(reply, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
      if (!clientOk(f, reply)) return reply;
      if (!f.token) return fail(reply, 'invalid_request', 'token is required.');
      // Unknown tokens are answered like known ones (RFC 7009; TikTok's behaviour is undocumented).
      const issued = store.tokens.get(f.token);
      const grant = issued ? store.grants.get(issued.grantId) : undefined;
      if (grant) endGrants(lifecycle, webhooks, grant.openId, [grant], options.revokeWebhookReason);
      return reply.code(200).send();
    });
  };
}

/**
 * Ends grants of one user (developer revoke, or the creator removing the app in TikTok): their tokens stop working,
 * publishes still processing fail with auth_removed, and `authorization.removed` is sent with `reason` (§1.17).
 * Answers how many live grants ended.
 */
export function endGrants(lifecycle: PublishLifecycle, webhooks: TiktokWebhooks, openId: string, grants: Grant[], reason: number): number {
  const live = grants.filter((g) => g.openId === openId && !g.revoked);
  for (const g of live) g.revoked = true;
  if (live.length > 0) {
    lifecycle.authorizationRemoved(openId);
    webhooks.emit('authorization.removed', openId, { reason });
  }
  return live.length;
}
