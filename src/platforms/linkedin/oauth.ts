// LinkedIn login (contract §2.1-2.5): the authorize window (space-separated scopes), code → 60-day access token
// (client credentials in the form body), and with programmatic refresh (only for apps LinkedIn approved, option
// `refreshTokens`) the refresh token renews it until its fixed 365-day horizon. Without it `refresh` is absent and the
// access token doubles as the grant's refresh token (as for Meta tokens) so that the account lifecycle finds it
// not renewable and announces re-authorisation ahead of its expiry.
// Profiles: one account for the member (`urn:li:person:{sub}` from OIDC userinfo) and one per page the member may
// post for (organizationAcls, roles ADMINISTRATOR / DIRECT_SPONSORED_CONTENT_POSTER / CONTENT_ADMIN); the author URN
// is the account's platformAccountId. Every account uses the login's token.
import { OAuthError, type ConnectedProfile, type OAuthProvider, type TokenSet } from '../provider.js';
import type { LinkedinHttp } from './http.js';
import type { ResolvedLinkedinOptions } from './options.js';

interface TokenAnswer { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown; refresh_token_expires_in?: unknown; scope?: unknown }
interface AclAnswer { elements?: { organization?: unknown; role?: unknown; state?: unknown }[] }

const POSTING_ROLES = new Set(['ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER', 'CONTENT_ADMIN']);
const inSeconds = (v: unknown, now: number) => (typeof v === 'number' && v > 0 ? new Date(now + v * 1000) : undefined);

export function createLinkedinOAuth(http: LinkedinHttp, options: ResolvedLinkedinOptions): OAuthProvider {
  function tokenSet(a: TokenAnswer, now = Date.now()): TokenSet {
    if (typeof a.access_token !== 'string' || a.access_token === '') throw new OAuthError('transient', 'invalid_response', 'LinkedIn token endpoint answered without access_token');
    const expiresAt = inSeconds(a.expires_in, now);
    const scopes = typeof a.scope === 'string' ? a.scope.split(/[ ,]+/).filter(Boolean) : undefined;
    const refresh = options.refreshTokens && typeof a.refresh_token === 'string' && a.refresh_token !== ''
      ? { refreshToken: a.refresh_token, refreshExpiresAt: inSeconds(a.refresh_token_expires_in, now) }
      // Not renewable: the token stands in as the grant's refresh token, expiring with it (see the header).
      : { refreshToken: a.access_token, refreshExpiresAt: expiresAt };
    return { accessToken: a.access_token, ...refresh, ...(expiresAt ? { expiresAt } : {}), ...(scopes ? { scopes } : {}) };
  }

  return {
    usesPkce: false,
    authorizeUrl({ state, redirectUri }) {
      const u = new URL(`${options.authBaseUrl}/authorization`);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('client_id', options.clientId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('state', state);
      u.searchParams.set('scope', options.scopes.join(' '));
      return u.toString();
    },

    async exchangeCode({ code, redirectUri }) {
      return tokenSet(await http.oauth<TokenAnswer>('/accessToken', { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, 'code exchange'));
    },

    ...(options.refreshTokens
      ? { refresh: async ({ refreshToken }: { refreshToken: string }) => tokenSet(await http.oauth<TokenAnswer>('/accessToken', { grant_type: 'refresh_token', refresh_token: refreshToken }, 'token refresh')) }
      : {}),

    async revoke({ accessToken }) {
      await http.oauth('/revoke', { token: accessToken }, 'revoke');
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      const call = async <T>(path: string, what: string, query?: Record<string, string>) => {
        try {
          return (await http.rest<T>(path, { token: tokens.accessToken, what, ...(query ? { query } : {}) })).body;
        } catch (err) {
          const e = err as { kind?: string; code?: string; message?: string };
          throw new OAuthError(e.kind === 'transient' || e.kind === 'rate_limited' ? 'transient' : 'permanent', e.code ?? 'profile_failed', e.message ?? String(err));
        }
      };
      const me = await call<{ sub?: unknown; name?: unknown; given_name?: unknown; family_name?: unknown }>('/v2/userinfo', 'userinfo');
      if (typeof me.sub !== 'string' || me.sub === '') throw new OAuthError('transient', 'invalid_response', 'LinkedIn userinfo answered without sub');
      const granted = tokens.scopes;
      const lacks = (scope: string) => granted !== undefined && !granted.includes(scope);
      const memberName = typeof me.name === 'string' && me.name ? me.name : me.sub;
      const profiles: ConnectedProfile[] = [{
        platformAccountId: `urn:li:person:${me.sub}`, displayName: memberName,
        metadata: { kind: 'member', sub: me.sub }, ...(lacks('w_member_social') ? { missingScopes: ['w_member_social'] } : {}),
      }];
      if (lacks('w_organization_social')) return profiles;
      const acls = await call<AclAnswer>('/rest/organizationAcls', 'organization roles', { q: 'roleAssignee', state: 'APPROVED' });
      const byOrg = new Map<string, string[]>();
      for (const a of acls.elements ?? []) {
        if (typeof a.organization !== 'string' || typeof a.role !== 'string' || (a.state !== undefined && a.state !== 'APPROVED')) continue;
        byOrg.set(a.organization, [...(byOrg.get(a.organization) ?? []), a.role]);
      }
      for (const [urn, roles] of byOrg) {
        const id = urn.split(':').pop()!;
        const org = await call<{ localizedName?: unknown; vanityName?: unknown }>(`/rest/organizations/${encodeURIComponent(id)}`, 'organization');
        const name = typeof org.localizedName === 'string' && org.localizedName ? org.localizedName : urn;
        profiles.push({
          platformAccountId: urn, displayName: name,
          metadata: { kind: 'organization', roles, ...(typeof org.vanityName === 'string' ? { vanityName: org.vanityName } : {}) },
          ...(roles.some((r) => POSTING_ROLES.has(r)) ? {} : { notPostableReason: `the member's roles on ${name} (${roles.join(', ')}) do not allow posting` }),
        });
      }
      return profiles;
    },
  };
}
