// Connecting accounts, for every provider with `oauth` (authorization code flow, PKCE when the provider uses it):
//   begin     - a single-use state bound to the user and platform (stored as its SHA-256, with the sealed PKCE
//               verifier) and to the browser that asked (the hash of a secret the route puts in a cookie), and the
//               platform's authorize URL;
//   complete  - the platform's redirect back: consume the state atomically, check that a browser coming back is the
//               one that began (RFC 9700 §4.7.1), exchange the code (same redirect_uri),
//               read the profiles, upsert one account per profile with its sealed tokens, then start each account's
//               workflow or tell the running one that the user reconnected.
// and for every provider with `credentials` (a handle and an app password typed into Herald):
//   connectWithCredentials - check the values against the provider's fields, log in at the platform, then file the
//               accounts exactly as `complete` does. The values are never logged or returned; a secret the provider
//               keeps (TokenSet.loginSecret) is sealed with the grant's tokens.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../../../config.js';
import type { TokenCrypto } from '../../../../crypto/envelope.js';
import { openOAuthVerifier, sealOAuthVerifier } from '../../../../crypto/secret-fields.js';
import type { Db } from '../../../../db/client.js';
import type { ConnectedProfile, CredentialsProvider, OAuthProvider, PlatformProvider, TokenSet } from '../../../../platforms/provider.js';
import type { ProviderRegistry } from '../../../../platforms/registry.js';
import type { AccountCommands } from '../../../../temporal/account-commands.js';
import { classifyTokenFailure } from '../../../../activities/token-failures.js';
import type { AuthenticatedUser } from '../../../auth/api-keys.js';
import { ApiError, invalid, unavailable, validationFailed } from '../../../errors.js';
import { findOwnedAccountViews, type AccountRow } from '../accounts/account-repository.js';
import { saveConnectedAccounts } from './connected-accounts.js';
import { hashOAuthState, newBrowserBinding, newCodeVerifier, newOAuthState, s256Challenge } from './oauth-secrets.js';
import {
  consumeOAuthState, purgeExpiredOAuthStates, saveOAuthState, whyStateUnusable, type UnusableStateReason,
} from './oauth-state-repository.js';

export interface ConnectServiceDeps {
  db: Db;
  config: Config;
  providers: ProviderRegistry;
  crypto: () => TokenCrypto;
  accounts: AccountCommands;
  log: FastifyBaseLogger;
}

export interface CallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
}

/** Who is completing the callback, as the route sees it. */
export interface CallbackCaller {
  /**
   * A browser sent here by the platform (it asked for HTML), as opposed to an API client handing Herald the
   * platform's redirect itself and asking for JSON. A victim's browser following an attacker's link is the former.
   */
  browser: boolean;
  /** The binding secret from the state's cookie, when the request carried it. */
  binding: string | undefined;
}

export interface BegunConnection {
  authorizeUrl: string;
  expiresAt: string;
  /** For the begin route's cookie only: the secret a browser must bring back to the callback. */
  browserBinding: { stateHash: string; secret: string; maxAgeSeconds: number };
}

export const NOT_BOUND_TO_THIS_BROWSER = 'state_not_bound_to_this_browser';

const stateProblems: Record<UnusableStateReason, string> = {
  unknown: 'state is unknown: start the connection again',
  already_used: 'state was already used: start the connection again',
  expired: 'state has expired: start the connection again',
  other_platform: 'state was issued for another platform',
};

/** Platform-supplied text going into our messages: bounded, one line. */
const clip = (s: string) => s.replace(/\s+/g, ' ').slice(0, 300);

export class ConnectService {
  constructor(private readonly deps: ConnectServiceDeps) {}

  /** Where OAuth sends the browser back; also sent again with the code exchange, as OAuth requires. */
  redirectUri(platform: string): string {
    return `${this.deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/social/callback/${encodeURIComponent(platform)}`;
  }

  async begin(user: AuthenticatedUser, platform: string): Promise<BegunConnection> {
    const { oauth } = this.oauthProvider(platform);
    const crypto = this.deps.crypto();
    const state = newOAuthState();
    const stateHash = hashOAuthState(state);
    const redirectUri = this.redirectUri(platform);
    const expiresAt = new Date(Date.now() + this.deps.config.OAUTH_STATE_TTL_SECONDS * 1000);
    const verifier = oauth.usesPkce ? newCodeVerifier() : undefined;
    const sealed = verifier ? sealOAuthVerifier(crypto, stateHash, verifier) : undefined;
    const binding = newBrowserBinding();
    await saveOAuthState(this.deps.db, {
      stateHash, userId: user.id, platform, redirectUri, expiresAt,
      browserBindingHash: hashOAuthState(binding),
      dataKey: sealed?.dataKey ?? null,
      codeVerifier: sealed?.codeVerifier ?? null,
    });
    // Housekeeping off the request's path: a failure here must not fail the connect.
    purgeExpiredOAuthStates(this.deps.db).catch((err) => this.deps.log.warn({ err }, 'purging expired OAuth states failed'));
    const authorizeUrl = oauth.authorizeUrl({ state, redirectUri, ...(verifier ? { codeChallenge: s256Challenge(verifier) } : {}) });
    return {
      authorizeUrl,
      expiresAt: expiresAt.toISOString(),
      browserBinding: { stateHash, secret: binding, maxAgeSeconds: this.deps.config.OAUTH_STATE_TTL_SECONDS },
    };
  }

  async complete(platform: string, query: CallbackQuery, caller: CallbackCaller): Promise<{ userId: string; accounts: AccountRow[] }> {
    const { provider, oauth } = this.oauthProvider(platform);
    const { db } = this.deps;

    if (query.error !== undefined) {
      // The user said no (or the platform refused): the state is spent either way.
      if (query.state) await consumeOAuthState(db, hashOAuthState(query.state), platform);
      const denied = query.error === 'access_denied';
      const text = clip(query.error_description ?? query.error);
      throw new ApiError(400, denied ? 'authorization_denied' : 'authorization_failed',
        denied ? `the connection to ${provider.displayName} was not authorized: ${text}` : `${provider.displayName} refused the authorization: ${text}`,
        [{ field: 'error', rule: clip(query.error), message: text }]);
    }
    if (!query.state) throw invalid('state', 'required', 'state is required');
    if (!query.code) throw invalid('code', 'required', 'code is required');

    const stateHash = hashOAuthState(query.state);
    const consumed = await consumeOAuthState(db, stateHash, platform);
    if (!consumed) {
      const why = await whyStateUnusable(db, stateHash, platform);
      throw new ApiError(400, 'invalid_state', stateProblems[why], [{ field: 'state', rule: why, message: stateProblems[why] }]);
    }
    // A browser must be the one that began (its cookie matches); an API client relaying the redirect may come without
    // the cookie, but not with another state's. The state stays spent: the code was issued to someone else's flow.
    if (consumed.browserBindingHash !== null && (caller.browser || caller.binding !== undefined)
      && (caller.binding === undefined || hashOAuthState(caller.binding) !== consumed.browserBindingHash)) {
      const message = 'this connection was started in another browser: start the connection again from this one';
      this.deps.log.warn({ platform, userId: consumed.userId }, 'OAuth callback refused: the state is not bound to this browser');
      throw new ApiError(400, 'invalid_state', message, [{ field: 'state', rule: NOT_BOUND_TO_THIS_BROWSER, message }]);
    }
    const crypto = this.deps.crypto();
    const codeVerifier = consumed.codeVerifier !== null ? openOAuthVerifier(crypto, consumed) : undefined;

    const tokens = await this.platformCall(provider, 'exchanging the authorization code', () =>
      oauth.exchangeCode({ code: query.code!, redirectUri: consumed.redirectUri, ...(codeVerifier ? { codeVerifier } : {}) }));
    const profiles = await this.platformCall(provider, 'reading the connected profile', () => oauth.fetchProfiles(tokens));
    if (profiles.length === 0) {
      throw new ApiError(400, 'no_accounts', `${provider.displayName} authorized the connection but gave access to no account`);
    }

    return this.fileAccounts(consumed.userId, platform, tokens, profiles);
  }

  /** Logs in with the credentials the user typed (`values`, by the provider's field names) and files the accounts. */
  async connectWithCredentials(user: AuthenticatedUser, platform: string, values: Record<string, string>): Promise<{ userId: string; accounts: AccountRow[] }> {
    const { provider, credentials } = this.credentialsProvider(platform);
    const issues = credentials.fields.flatMap((f) => {
      const value = values[f.name];
      if (value === undefined || value.trim() === '') return [{ field: f.name, rule: 'required', message: `${f.label} is required` }];
      if (value.length > f.maxLength) return [{ field: f.name, rule: 'max_length', message: `${f.label} is at most ${f.maxLength} characters` }];
      return [];
    });
    for (const name of Object.keys(values)) {
      if (!credentials.fields.some((f) => f.name === name)) issues.push({ field: name, rule: 'unknown_field', message: `${provider.displayName} takes no field ${name}` });
    }
    if (issues.length > 0) throw validationFailed(issues);
    // Token encryption must be configured before anything reaches the platform (503 naming TOKEN_KEYS otherwise).
    this.deps.crypto();
    let connected: { tokens: TokenSet; profiles: ConnectedProfile[] };
    try {
      connected = await credentials.connect(values);
    } catch (err) {
      const f = classifyTokenFailure(err);
      if (f.kind === 'invalid_grant') {
        // The platform's own words (e.g. "Invalid identifier or password"), next to the secret the user typed.
        const secret = credentials.fields.find((field) => field.secret) ?? credentials.fields[0]!;
        throw new ApiError(400, 'credentials_rejected', `${provider.displayName} refused the login: ${clip(f.message)}`, [
          { field: secret.name, rule: 'rejected_by_platform', message: clip(f.message) },
        ]);
      }
      const message = `${provider.displayName} failed logging in (${f.code}): ${clip(f.message)}`;
      // The platform limits logins (Bluesky: 30 per 5 minutes per account) and said how long to wait.
      if (f.kind === 'transient' && f.retryAfterMs !== undefined) {
        throw new ApiError(429, 'rate_limited', `${message}; try again in ${Math.ceil(f.retryAfterMs / 1000)} s`);
      }
      if (f.kind === 'transient') throw unavailable(`${message}; try connecting again`);
      this.deps.log.warn({ platform: provider.id, code: f.code }, message);
      throw new ApiError(502, 'platform_error', message);
    }
    if (connected.profiles.length === 0) throw new ApiError(400, 'no_accounts', `${provider.displayName} logged in but gave access to no account`);
    return this.fileAccounts(user.id, platform, connected.tokens, connected.profiles);
  }

  /** One account row per profile under the login's grant, then each account's workflow told. */
  private async fileAccounts(userId: string, platform: string, tokens: TokenSet, profiles: ConnectedProfile[]): Promise<{ userId: string; accounts: AccountRow[] }> {
    const { db } = this.deps;
    const ids = [...new Set(await saveConnectedAccounts(db, this.deps.crypto(), { userId, platform, tokens, profiles }))];
    for (const accountId of ids) {
      await this.deps.accounts.connected({ accountId, userId, platform });
    }
    this.deps.log.info({ platform, userId, accountIds: ids }, 'accounts connected');
    return { userId, accounts: await findOwnedAccountViews(db, userId, ids) };
  }

  private credentialsProvider(platform: string): { provider: PlatformProvider; credentials: CredentialsProvider } {
    const provider = this.registered(platform);
    if (!provider.credentials) throw invalid('platform', 'credentials_supported', `platform "${platform}" does not connect accounts with credentials`);
    return { provider, credentials: provider.credentials };
  }

  private registered(platform: string): PlatformProvider {
    if (!this.deps.providers.has(platform)) {
      throw new ApiError(404, 'not_found', `platform "${platform}" is not available`, [
        { field: 'platform', rule: 'registered_platform', message: `no platform "${platform}" is configured on this server` },
      ]);
    }
    return this.deps.providers.get(platform);
  }

  private oauthProvider(platform: string): { provider: PlatformProvider; oauth: OAuthProvider } {
    const provider = this.registered(platform);
    if (!provider.oauth) throw invalid('platform', 'oauth_supported', `platform "${platform}" does not connect accounts through OAuth`);
    return { provider, oauth: provider.oauth };
  }

  /** Token endpoint and profile calls: a rejected code is the client's problem (400), the platform failing is ours. */
  private async platformCall<T extends TokenSet | ConnectedProfile[]>(provider: PlatformProvider, what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const f = classifyTokenFailure(err);
      const message = `${provider.displayName} failed ${what} (${f.code}): ${clip(f.message)}`;
      if (f.kind === 'invalid_grant') {
        throw new ApiError(400, 'invalid_grant', `${provider.displayName} rejected the authorization code: start the connection again`, [
          { field: 'code', rule: 'invalid_grant', message: clip(f.message) },
        ]);
      }
      if (f.kind === 'transient') throw unavailable(`${message}; try connecting again`);
      this.deps.log.warn({ platform: provider.id, code: f.code }, message);
      throw new ApiError(502, 'platform_error', message);
    }
  }
}
