// Facebook Login for the Instagram API (contract §3): the dialog, code → short-lived user token → long-lived token
// (fb_exchange_token, ~60 days), then one profile per Page that has a linked Instagram professional account.
// Meta has no refresh token for user tokens (§3.3). With tokenRenewal `exchange`, `refresh` re-exchanges the
// still-valid long-lived token through fb_exchange_token (UNCONFIRMED whether that extends it: the answer's
// expires_in says, and accountLifecycle sees whether the expiry moved; if not, it warns the user REAUTH_NOTICE_DAYS
// ahead). With `none` there is no `refresh` at all and the warning is planned from the start. An expired or
// invalidated token answers 190 (subcodes 458-467) → invalid_grant, so the account goes reauth_required with
// Meta's reason. The long-lived access token doubles as the "refresh token" Herald stores.
import { OAuthError, type ConnectedProfile, type OAuthProvider, type TokenSet } from '../provider.js';
import type { MetaGraph } from './http.js';
import type { ResolvedInstagramOptions } from './options.js';

interface TokenAnswer { access_token?: unknown; expires_in?: unknown }
interface PageAnswer { id?: unknown; name?: unknown; instagram_business_account?: { id?: unknown; username?: unknown } }

/** Scopes publishing needs; missing ones are reported on the profile so the UI can ask again. */
const PUBLISH_SCOPES = ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement'];

function tokenSet(a: TokenAnswer, now = Date.now()): TokenSet {
  if (typeof a.access_token !== 'string' || a.access_token === '') throw new OAuthError('transient', 'invalid_response', 'token endpoint answered without access_token');
  const expiresAt = typeof a.expires_in === 'number' && a.expires_in > 0 ? new Date(now + a.expires_in * 1000) : undefined;
  // No separate refresh token exists: the long-lived token is what `refresh` exchanges again.
  return { accessToken: a.access_token, refreshToken: a.access_token, ...(expiresAt ? { expiresAt, refreshExpiresAt: expiresAt } : {}) };
}

export function createInstagramOAuth(graph: MetaGraph, options: ResolvedInstagramOptions): OAuthProvider {
  const exchangeLongLived = async (token: string): Promise<TokenSet> => tokenSet(await graph.oauthCall<TokenAnswer>('/oauth/access_token', {
    what: 'long-lived token exchange',
    params: { grant_type: 'fb_exchange_token', client_id: options.appId, client_secret: options.appSecret, fb_exchange_token: token },
  }));

  return {
    usesPkce: false,
    authorizeUrl({ state, redirectUri }) {
      const u = new URL(`${options.dialogBaseUrl}/${options.graphVersion}/dialog/oauth`);
      u.searchParams.set('client_id', options.appId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('state', state);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('scope', options.scopes.join(','));
      return u.toString();
    },

    async exchangeCode({ code, redirectUri }) {
      const short = await graph.oauthCall<TokenAnswer>('/oauth/access_token', {
        what: 'code exchange',
        params: { client_id: options.appId, client_secret: options.appSecret, redirect_uri: redirectUri, code },
      });
      const shortSet = tokenSet(short);
      const long = await exchangeLongLived(shortSet.accessToken);
      const granted = await graph.oauthCall<{ data?: { permission?: unknown; status?: unknown }[] }>('/me/permissions', { what: 'permissions', token: long.accessToken });
      const scopes = (granted.data ?? []).filter((p) => p.status === 'granted' && typeof p.permission === 'string').map((p) => p.permission as string);
      return { ...long, scopes };
    },

    ...(options.tokenRenewal === 'exchange'
      ? { refresh: async ({ refreshToken }: { refreshToken: string }) => exchangeLongLived(refreshToken), renewsByExchange: true }
      : {}),

    async revoke({ accessToken }) {
      await graph.oauthCall('/me/permissions', { method: 'DELETE', what: 'revoke', token: accessToken });
    },

    async fetchProfiles(tokens): Promise<ConnectedProfile[]> {
      const pages = await graph.oauthCall<{ data?: PageAnswer[] }>('/me/accounts', {
        what: 'page list', token: tokens.accessToken,
        params: { fields: 'id,name,tasks,instagram_business_account{id,username}' },
      });
      const missingScopes = tokens.scopes ? PUBLISH_SCOPES.filter((s) => !tokens.scopes!.includes(s)) : [];
      const profiles: ConnectedProfile[] = [];
      for (const page of pages.data ?? []) {
        const ig = page.instagram_business_account;
        if (!ig || typeof ig.id !== 'string' || typeof page.id !== 'string') continue;
        const username = typeof ig.username === 'string' ? ig.username : ig.id;
        profiles.push({ platformAccountId: ig.id, displayName: username, metadata: { pageId: page.id, username, missingScopes }, missingScopes });
      }
      if (profiles.length === 0) {
        throw new OAuthError('permanent', 'no_instagram_business_account',
          'None of the Facebook Pages shared with Herald has an Instagram professional (business or creator) account linked. Link one to a Page in Meta Business Suite, then connect again and select that Page.');
      }
      return profiles;
    },
  };
}
