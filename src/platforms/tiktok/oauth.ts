// Connecting a TikTok account with Login Kit (OAuth v2, §1.1-1.6):
//   authorizeUrl  `<auth host>/v2/auth/authorize/?client_key&response_type=code&scope=<comma list>&redirect_uri&state`
//                 plus PKCE per the `pkce` option. Generic code hands over the RFC 7636 S256 challenge
//                 (base64url of SHA-256(verifier)); in `hex` mode, TikTok's desktop encoding, the same digest is
//                 re-encoded as hex.
//   exchangeCode / refresh   POST /v2/oauth/token/ (form). Refresh tokens rotate: the answer's token replaces ours.
//   revoke        POST /v2/oauth/revoke/ with the access token; success is an empty body.
//   fetchProfiles GET /v2/user/info/: one login is one TikTok account (open_id).
// Token endpoint errors become OAuthError (http.ts `oauthErrorFrom`), also when they come with HTTP 200.
import { OAuthError, PublishError, type ConnectedProfile, type Json, type OAuthProvider, type TokenSet } from '../provider.js';
import type { TiktokHttp } from './http.js';
import type { ResolvedTiktokProviderOptions } from './options.js';

const BASIC_FIELDS = ['open_id', 'union_id', 'avatar_url', 'display_name'];
const PROFILE_FIELDS = ['username', 'profile_deep_link', 'is_verified'];
const STATS_FIELDS = ['follower_count', 'following_count', 'likes_count', 'video_count'];

/** The challenge TikTok expects in `hex` mode, from the RFC 7636 one (same SHA-256 digest, other encoding). */
export function hexChallengeFromS256(challenge: string): string {
  const digest = Buffer.from(challenge, 'base64url');
  if (digest.length !== 32 || digest.toString('base64url') !== challenge) {
    throw new Error('code challenge is not a base64url SHA-256 digest (RFC 7636 S256)');
  }
  return digest.toString('hex');
}

function tokenSetFrom(body: Record<string, Json>, what: string, now = Date.now()): TokenSet {
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new OAuthError('transient', 'invalid_response', `${what} answered without an access_token`);
  }
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined,
    expiresAt: typeof body.expires_in === 'number' ? new Date(now + body.expires_in * 1000) : undefined,
    refreshExpiresAt: typeof body.refresh_expires_in === 'number' ? new Date(now + body.refresh_expires_in * 1000) : undefined,
    scopes: typeof body.scope === 'string' ? body.scope.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
  };
}

export function createTiktokOAuth(http: TiktokHttp, o: ResolvedTiktokProviderOptions): OAuthProvider {
  const tokenUrl = `${o.apiBaseUrl}/v2/oauth/token/`;
  const client = { client_key: o.clientKey, client_secret: o.clientSecret };

  return {
    usesPkce: o.pkce !== 'off',

    authorizeUrl({ state, redirectUri, codeChallenge }) {
      const url = new URL(`${o.authBaseUrl}/v2/auth/authorize/`);
      url.searchParams.set('client_key', o.clientKey);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', o.scopes.join(','));
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      if (o.pkce !== 'off') {
        if (!codeChallenge) throw new Error(`TikTok PKCE mode ${o.pkce} needs a code challenge`);
        url.searchParams.set('code_challenge', o.pkce === 'hex' ? hexChallengeFromS256(codeChallenge) : codeChallenge);
        url.searchParams.set('code_challenge_method', 'S256');
      }
      return url.toString();
    },

    async exchangeCode({ code, redirectUri, codeVerifier }) {
      const body = await http.oauth(tokenUrl, {
        ...client, code, grant_type: 'authorization_code', redirect_uri: redirectUri,
        ...(o.pkce !== 'off' && codeVerifier ? { code_verifier: codeVerifier } : {}),
      });
      return tokenSetFrom(body, 'POST /v2/oauth/token/');
    },

    async refresh({ refreshToken }) {
      const body = await http.oauth(tokenUrl, { ...client, grant_type: 'refresh_token', refresh_token: refreshToken });
      const tokens = tokenSetFrom(body, 'POST /v2/oauth/token/');
      // "The returned refresh_token may be different ... You must use the newly-returned token": keep ours only
      // when none came back.
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    },

    async revoke({ accessToken }) {
      await http.oauth(`${o.apiBaseUrl}/v2/oauth/revoke/`, { ...client, token: accessToken });
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      const granted = tokens.scopes ?? o.scopes;
      const fields = [
        ...BASIC_FIELDS,
        ...(granted.includes('user.info.profile') ? PROFILE_FIELDS : []),
        ...(granted.includes('user.info.stats') ? STATS_FIELDS : []),
      ];
      let user: Record<string, Json>;
      try {
        const data = await http.api<{ user?: Json }>({ method: 'GET', path: `/v2/user/info/?fields=${fields.join(',')}`, token: tokens.accessToken });
        user = data.user && typeof data.user === 'object' && !Array.isArray(data.user) ? data.user : {};
      } catch (err) {
        if (!(err instanceof PublishError)) throw err;
        const retry = err.kind === 'transient' || err.kind === 'rate_limited' || err.kind === 'ambiguous';
        throw new OAuthError(retry ? 'transient' : 'permanent', err.code, err.message, err.retryAfterMs);
      }
      if (typeof user.open_id !== 'string' || user.open_id === '') {
        throw new OAuthError('transient', 'invalid_response', 'GET /v2/user/info/ answered without an open_id');
      }
      const metadata: Record<string, Json> = {};
      const copy = (from: string, to: string) => {
        const v = user[from];
        if (v !== undefined && v !== null && v !== '') metadata[to] = v;
      };
      copy('union_id', 'unionId');
      copy('avatar_url', 'avatarUrl');
      copy('username', 'username');
      copy('profile_deep_link', 'profileDeepLink');
      copy('is_verified', 'isVerified');
      copy('follower_count', 'followerCount');
      return [{
        platformAccountId: user.open_id,
        displayName: typeof user.display_name === 'string' && user.display_name !== '' ? user.display_name : (metadata.username as string | undefined) ?? user.open_id,
        metadata,
      }];
    },
  };
}
