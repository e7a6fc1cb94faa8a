// Facebook Login for Pages (contract §3): the dialog with the Pages scopes (§3.7), code → short-lived user token →
// long-lived user token (fb_exchange_token, ~60 days; renewed by exchanging it again, like Instagram's), revoke
// (DELETE /me/permissions), and one profile per Page from /me/accounts (every page of the list followed by its
// `after` cursor). Each Page brings its own Page access token (§3.4): it becomes the account's `credentials`, which
// publishing, insights and comments then use. A Page token from a long-lived user token does not expire, so it
// carries no expiry; it is derived again whenever the user token changes. A Page whose tasks lack CREATE_CONTENT is
// still listed, with a `notPostableReason`.
import { OAuthError, type ConnectedProfile, type OAuthProvider, type TokenSet } from '../provider.js';
import type { MetaGraph } from '../instagram/http.js';
import { FACEBOOK_PUBLISH_SCOPES, type ResolvedFacebookOptions } from './options.js';

interface TokenAnswer { access_token?: unknown; expires_in?: unknown }
interface PageAnswer { id?: unknown; name?: unknown; access_token?: unknown; category?: unknown; tasks?: unknown }
interface PagesAnswer { data?: PageAnswer[]; paging?: { cursors?: { after?: unknown }; next?: unknown } }

/** Bounds the /me/accounts walk: a user administers at most a few hundred Pages. */
const MAX_PAGE_LIST_REQUESTS = 50;

function tokenSet(a: TokenAnswer, now = Date.now()): TokenSet {
  if (typeof a.access_token !== 'string' || a.access_token === '') throw new OAuthError('transient', 'invalid_response', 'token endpoint answered without access_token');
  const expiresAt = typeof a.expires_in === 'number' && a.expires_in > 0 ? new Date(now + a.expires_in * 1000) : undefined;
  // No separate refresh token exists: the long-lived token is what `refresh` exchanges again.
  return { accessToken: a.access_token, refreshToken: a.access_token, ...(expiresAt ? { expiresAt, refreshExpiresAt: expiresAt } : {}) };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function createFacebookOAuth(graph: MetaGraph, options: ResolvedFacebookOptions): OAuthProvider {
  const exchangeLongLived = async (token: string): Promise<TokenSet> => tokenSet(await graph.oauthCall<TokenAnswer>('/oauth/access_token', {
    what: 'long-lived token exchange',
    params: { grant_type: 'fb_exchange_token', client_id: options.appId, client_secret: options.appSecret, fb_exchange_token: token },
  }));

  async function pages(token: string): Promise<PageAnswer[]> {
    const all: PageAnswer[] = [];
    let after: string | undefined;
    for (let i = 0; i < MAX_PAGE_LIST_REQUESTS; i++) {
      const a = await graph.oauthCall<PagesAnswer>('/me/accounts', {
        what: 'page list', token,
        params: { fields: 'id,name,access_token,category,tasks', limit: '100', ...(after ? { after } : {}) },
      });
      all.push(...(a.data ?? []));
      const next = a.paging?.cursors?.after;
      // Graph marks the last page by leaving out `paging.next`.
      if (!a.paging?.next || typeof next !== 'string' || next === after || (a.data ?? []).length === 0) return all;
      after = next;
    }
    return all;
  }

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
      const short = tokenSet(await graph.oauthCall<TokenAnswer>('/oauth/access_token', {
        what: 'code exchange',
        params: { client_id: options.appId, client_secret: options.appSecret, redirect_uri: redirectUri, code },
      }));
      const long = await exchangeLongLived(short.accessToken);
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
      const missingScopes = tokens.scopes ? FACEBOOK_PUBLISH_SCOPES.filter((s) => !tokens.scopes!.includes(s)) : [];
      const profiles: ConnectedProfile[] = [];
      for (const page of await pages(tokens.accessToken)) {
        if (typeof page.id !== 'string' || page.id === '' || typeof page.access_token !== 'string' || page.access_token === '') continue;
        const tasks = strings(page.tasks);
        const name = typeof page.name === 'string' ? page.name : page.id;
        profiles.push({
          platformAccountId: page.id,
          displayName: name,
          metadata: { category: typeof page.category === 'string' ? page.category : null, tasks, missingScopes },
          missingScopes,
          credentials: { accessToken: page.access_token },
          ...(tasks.includes('CREATE_CONTENT') ? {} : {
            notPostableReason: `Your role on the Facebook Page "${name}" does not allow creating content (its tasks are ${tasks.join(', ') || 'none'}); ask a Page admin for the CREATE_CONTENT task, then connect again`,
          }),
        });
      }
      if (profiles.length === 0) {
        throw new OAuthError('permanent', 'no_facebook_page',
          'The Facebook login shared no Page with Herald. Connect again and select at least one Page you manage.');
      }
      return profiles;
    },
  };
}
