// Connecting a testbed account: authorization code flow with PKCE (S256), rotating refresh tokens, revocation,
// and the one profile a login yields (GET /v1/me).
import type { ConnectedProfile, OAuthProvider, TokenSet } from '../provider.js';
import type { TestbedHttp } from './http.js';

export const TESTBED_SCOPES = ['profile', 'posts.write', 'insights.read'];

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  refresh_expires_in?: number;
  scope?: string;
}

export interface TestbedOAuthConfig {
  clientId: string;
  clientSecret?: string | undefined;
}

function toTokenSet(t: TokenResponse, now = Date.now()): TokenSet {
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAt: t.expires_in !== undefined ? new Date(now + t.expires_in * 1000) : undefined,
    refreshExpiresAt: t.refresh_expires_in !== undefined ? new Date(now + t.refresh_expires_in * 1000) : undefined,
    scopes: t.scope ? t.scope.split(/[\s,]+/).filter(Boolean) : undefined,
  };
}

export function createTestbedOAuth(http: TestbedHttp, config: TestbedOAuthConfig): OAuthProvider {
  const client = { client_id: config.clientId, ...(config.clientSecret ? { client_secret: config.clientSecret } : {}) };

  return {
    usesPkce: true,

    authorizeUrl({ state, redirectUri, codeChallenge }) {
      const url = new URL(http.url('/oauth/authorize'));
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', TESTBED_SCOPES.join(' '));
      url.searchParams.set('state', state);
      if (codeChallenge) {
        url.searchParams.set('code_challenge', codeChallenge);
        url.searchParams.set('code_challenge_method', 'S256');
      }
      return url.toString();
    },

    async exchangeCode({ code, redirectUri, codeVerifier }) {
      const { body } = await http.call<TokenResponse>({
        method: 'POST',
        path: '/oauth/token',
        form: { ...client, grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) },
      });
      return toTokenSet(body);
    },

    async refresh({ refreshToken }) {
      const { body } = await http.call<TokenResponse>({
        method: 'POST',
        path: '/oauth/token',
        form: { ...client, grant_type: 'refresh_token', refresh_token: refreshToken },
      });
      return toTokenSet(body);
    },

    async revoke({ accessToken }) {
      await http.call({ method: 'POST', path: '/oauth/revoke', form: { ...client, token: accessToken } });
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      const { body } = await http.call<{ id: string; display_name: string }>({ method: 'GET', path: '/v1/me', token: tokens.accessToken });
      return [{ platformAccountId: String(body.id), displayName: body.display_name }];
    },
  };
}
