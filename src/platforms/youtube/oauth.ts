// Connecting a YouTube channel (§3.1-3.4, §3.7): Google OAuth 2.0 for a web server app.
//   authorizeUrl   <accounts.google.com>/o/oauth2/v2/auth?client_id&redirect_uri&response_type=code&scope&state
//                  &access_type=offline (a refresh token) &prompt=consent (issued again on every reconnect)
//                  &include_granted_scopes=true
//   exchangeCode / refresh   POST <oauth2.googleapis.com>/token. Access tokens live an hour. Refresh tokens do not
//                  rotate: a refresh answers no new one and the one we hold stays. `invalid_grant` (revoked, unused
//                  for 6 months, or the 7-day expiry of an app in Testing status) makes the account reauth_required.
//   revoke         POST /revoke with the token (ends the whole grant).
//   fetchProfiles  GET /youtube/v3/channels?mine=true&part=snippet,statistics: one login is one channel.
import { OAuthError, PublishError, type ConnectedProfile, type OAuthProvider, type TokenSet } from '../provider.js';
import type { YoutubeHttp } from './http.js';
import { UPLOAD_SCOPE, type ResolvedYoutubeOptions } from './options.js';

function tokenSet(body: Record<string, unknown>, what: string, now = Date.now()): TokenSet {
  if (typeof body.access_token !== 'string' || body.access_token === '') throw new OAuthError('transient', 'invalid_response', `${what} answered without an access_token`);
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined,
    expiresAt: typeof body.expires_in === 'number' ? new Date(now + body.expires_in * 1000) : undefined,
    refreshExpiresAt: typeof body.refresh_token_expires_in === 'number' ? new Date(now + body.refresh_token_expires_in * 1000) : undefined,
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : undefined,
  };
}

interface ChannelList { items?: { id?: unknown; snippet?: { title?: unknown; customUrl?: unknown }; statistics?: { subscriberCount?: unknown } }[] }

export function createYoutubeOAuth(http: YoutubeHttp, o: ResolvedYoutubeOptions): OAuthProvider {
  return {
    usesPkce: false,
    authorizeUrl({ state, redirectUri }) {
      const u = new URL(`${o.authBaseUrl}/o/oauth2/v2/auth`);
      u.searchParams.set('client_id', o.clientId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('scope', o.scopes.join(' '));
      u.searchParams.set('state', state);
      u.searchParams.set('access_type', 'offline');
      u.searchParams.set('prompt', 'consent');
      u.searchParams.set('include_granted_scopes', 'true');
      return u.toString();
    },

    async exchangeCode({ code, redirectUri }) {
      return tokenSet(await http.oauth('/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, 'code exchange'), 'code exchange');
    },

    async refresh({ refreshToken }) {
      const tokens = tokenSet(await http.oauth('/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, 'token refresh'), 'token refresh');
      // Google does not rotate refresh tokens: the one we hold keeps working.
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    },

    async revoke({ accessToken }) {
      await http.oauth('/revoke', { token: accessToken }, 'revoke');
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      let list: ChannelList;
      try {
        list = await http.api<ChannelList>({ method: 'GET', path: '/youtube/v3/channels?mine=true&part=snippet,statistics', token: tokens.accessToken, what: 'channels.list (mine)' });
      } catch (err) {
        if (!(err instanceof PublishError)) throw err;
        throw new OAuthError(err.kind === 'permanent' || err.kind === 'auth' ? 'permanent' : 'transient', err.code, err.message, err.retryAfterMs);
      }
      const channel = list.items?.[0];
      if (!channel || typeof channel.id !== 'string') throw new OAuthError('permanent', 'youtubeSignupRequired', 'The Google account has no YouTube channel');
      const title = typeof channel.snippet?.title === 'string' && channel.snippet.title ? channel.snippet.title : channel.id;
      const missingScopes = tokens.scopes && !tokens.scopes.includes(UPLOAD_SCOPE) ? [UPLOAD_SCOPE] : [];
      return [{
        platformAccountId: channel.id, displayName: title,
        metadata: { ...(typeof channel.snippet?.customUrl === 'string' ? { customUrl: channel.snippet.customUrl } : {}) },
        ...(missingScopes.length > 0 ? { missingScopes } : {}),
      }];
    },
  };
}
