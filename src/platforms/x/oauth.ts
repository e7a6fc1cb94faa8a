// Connecting an X account (§1.1-1.5): OAuth 2.0 authorization code with PKCE S256 for a confidential client.
//   authorizeUrl   <x.com>/i/oauth2/authorize?response_type=code&client_id&redirect_uri&scope (space list)&state
//                  &code_challenge&code_challenge_method=S256
//   exchangeCode / refresh   POST /2/oauth2/token (Basic). Access tokens live 2 h; refresh tokens are single use
//                  and rotate: the answer's refresh token replaces ours (the account lifecycle stores it under its
//                  per-grant lock before anything else can spend it).
//   revoke         POST /2/oauth2/revoke with the access token.
//   fetchProfiles  GET /2/users/me: one login is one X account.
import { OAuthError, PublishError, type ConnectedProfile, type OAuthProvider, type TokenSet } from '../provider.js';
import type { XHttp } from './http.js';
import type { ResolvedXOptions } from './options.js';

const PUBLISH_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write'];

function tokenSet(body: Record<string, unknown>, what: string, now = Date.now()): TokenSet {
  if (typeof body.access_token !== 'string' || body.access_token === '') throw new OAuthError('transient', 'invalid_response', `${what} answered without an access_token`);
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined,
    expiresAt: typeof body.expires_in === 'number' ? new Date(now + body.expires_in * 1000) : undefined,
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : undefined,
  };
}

export function createXOAuth(http: XHttp, o: ResolvedXOptions): OAuthProvider {
  return {
    usesPkce: true,
    authorizeUrl({ state, redirectUri, codeChallenge }) {
      if (!codeChallenge) throw new Error('X needs a PKCE code challenge');
      const u = new URL(`${o.authBaseUrl}/i/oauth2/authorize`);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('client_id', o.clientId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('scope', o.scopes.join(' '));
      u.searchParams.set('state', state);
      u.searchParams.set('code_challenge', codeChallenge);
      u.searchParams.set('code_challenge_method', 'S256');
      return u.toString();
    },

    async exchangeCode({ code, redirectUri, codeVerifier }) {
      if (!codeVerifier) throw new OAuthError('permanent', 'missing_code_verifier', 'X needs the PKCE code verifier');
      return tokenSet(await http.oauth('/2/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier }, 'code exchange'), 'code exchange');
    },

    async refresh({ refreshToken }) {
      const tokens = tokenSet(await http.oauth('/2/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, 'token refresh'), 'token refresh');
      // The old refresh token is spent now: an answer without a new one leaves nothing to renew with.
      if (!tokens.refreshToken) throw new OAuthError('permanent', 'invalid_response', 'token refresh answered without a new refresh_token');
      return tokens;
    },

    async revoke({ accessToken }) {
      await http.oauth('/2/oauth2/revoke', { token: accessToken, token_type_hint: 'access_token' }, 'revoke');
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      let me: { data?: { id?: unknown; username?: unknown; name?: unknown } };
      try {
        me = await http.api({ method: 'GET', path: '/2/users/me', token: tokens.accessToken, what: 'GET /2/users/me' });
      } catch (err) {
        if (!(err instanceof PublishError)) throw err;
        throw new OAuthError(err.kind === 'permanent' || err.kind === 'auth' ? 'permanent' : 'transient', err.code, err.message, err.retryAfterMs);
      }
      const id = me.data?.id;
      if (typeof id !== 'string' || id === '') throw new OAuthError('transient', 'invalid_response', 'GET /2/users/me answered without an id');
      const username = typeof me.data?.username === 'string' ? me.data.username : id;
      const missingScopes = tokens.scopes ? PUBLISH_SCOPES.filter((s) => !tokens.scopes!.includes(s)) : [];
      return [{
        platformAccountId: id, displayName: typeof me.data?.name === 'string' && me.data.name ? me.data.name : `@${username}`,
        metadata: { username }, ...(missingScopes.length > 0 ? { missingScopes } : {}),
      }];
    },
  };
}
