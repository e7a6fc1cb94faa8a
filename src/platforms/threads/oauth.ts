// Threads login (contract §6.1-6.3): the authorize window, code → short-lived token (1 h) → long-lived token
// (th_exchange_token, 60 days), renewed with th_refresh_token once the token is at least 24 h old (the account
// lifecycle honours minTokenAgeBeforeRefreshMs). One account per login: the Threads profile itself (/me).
// Revoke: Threads documents no endpoint that revokes a user token or removes the app (the user removes it in
// Threads' settings; Meta then sends the app's uninstall callback), so `revoke` only forgets: nothing is called.
import { OAuthError, type ConnectedProfile, type OAuthProvider, type TokenSet } from '../provider.js';
import type { ThreadsGraph } from './http.js';
import type { ResolvedThreadsOptions } from './options.js';

interface TokenAnswer { access_token?: unknown; expires_in?: unknown; user_id?: unknown }

const PUBLISH_SCOPES = ['threads_basic', 'threads_content_publish'];

function tokenSet(a: TokenAnswer, scopes: string[] | undefined, now = Date.now()): TokenSet {
  if (typeof a.access_token !== 'string' || a.access_token === '') throw new OAuthError('transient', 'invalid_response', 'token endpoint answered without access_token');
  const expiresAt = typeof a.expires_in === 'number' && a.expires_in > 0 ? new Date(now + a.expires_in * 1000) : undefined;
  // The long-lived token is what th_refresh_token renews: it doubles as the refresh token.
  return { accessToken: a.access_token, refreshToken: a.access_token, ...(expiresAt ? { expiresAt, refreshExpiresAt: expiresAt } : {}), ...(scopes ? { scopes } : {}) };
}

export function createThreadsOAuth(graph: ThreadsGraph, options: ResolvedThreadsOptions): OAuthProvider {
  return {
    usesPkce: false,
    minTokenAgeBeforeRefreshMs: options.minTokenAgeBeforeRefreshMs,
    authorizeUrl({ state, redirectUri }) {
      const u = new URL(`${options.authBaseUrl}/oauth/authorize`);
      u.searchParams.set('client_id', options.appId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('scope', options.scopes.join(','));
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('state', state);
      return u.toString();
    },

    async exchangeCode({ code, redirectUri }) {
      const short = await graph.tokens.oauthCall<TokenAnswer>('/oauth/access_token', {
        method: 'POST', what: 'code exchange',
        // The authorize callback appends `#_` (§6.1); a code copied with it would be refused.
        params: { client_id: options.appId, client_secret: options.appSecret, grant_type: 'authorization_code', redirect_uri: redirectUri, code: code.replace(/#_$/, '') },
      });
      const shortSet = tokenSet(short, undefined);
      const long = await graph.tokens.oauthCall<TokenAnswer>('/access_token', {
        what: 'long-lived token exchange', token: shortSet.accessToken,
        params: { grant_type: 'th_exchange_token', client_secret: options.appSecret },
      });
      // Threads answers no granted-scope list on these calls; the grant is what the window asked for.
      return tokenSet(long, options.scopes);
    },

    async refresh({ refreshToken }) {
      return tokenSet(await graph.tokens.oauthCall<TokenAnswer>('/refresh_access_token', {
        what: 'token refresh', token: refreshToken, params: { grant_type: 'th_refresh_token' },
      }), undefined);
    },

    async revoke() {
      // No revocation endpoint exists for Threads user tokens (see above): the stored token is simply dropped.
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      const me = await graph.api.oauthCall<{ id?: unknown; username?: unknown }>('/me', { what: 'profile', token: tokens.accessToken, params: { fields: 'id,username' } });
      if (typeof me.id !== 'string' || me.id === '') throw new OAuthError('transient', 'invalid_response', 'the profile answered without an id');
      const username = typeof me.username === 'string' ? me.username : me.id;
      const missingScopes = tokens.scopes ? PUBLISH_SCOPES.filter((s) => !tokens.scopes!.includes(s)) : [];
      return [{ platformAccountId: me.id, displayName: username, metadata: { username, missingScopes }, missingScopes }];
    },
  };
}
