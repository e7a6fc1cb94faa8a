// Connecting a Bluesky account with its handle (or email) and an app password (§5), and keeping its session alive:
//   connect   com.atproto.server.createSession → accessJwt + refreshJwt; the app password is kept as the grant's
//             sealed login secret, with the account's DID as the identifier to log in with again
//   refresh   com.atproto.server.refreshSession with the refresh JWT: both JWTs rotate (the old refresh JWT is
//             spent). Only when the refresh JWT itself is refused (ExpiredToken / InvalidToken) is one new session
//             created with the login secret: createSession is limited to 30 per 5 minutes and 300 a day per account,
//             so the account lifecycle (the only spender of refresh tokens) renews rather than logging in again. A
//             refused app password (revoked by the user) is `invalid_grant`: the account needs reconnecting.
//   revoke    com.atproto.server.deleteSession with the refresh JWT
//   profiles  getSession + app.bsky.actor.getProfile: one login is one account, its DID the platform account id.
// Atproto OAuth may come later as the provider's `oauth`; the publishing side takes an access token either way.
import { OAuthError, PublishError, type ConnectedProfile, type CredentialsProvider, type TokenSet } from '../provider.js';
import { XrpcError, type BlueskyHttp } from './http.js';

interface SessionAnswer { accessJwt?: unknown; refreshJwt?: unknown; did?: unknown; handle?: unknown }
interface LoginSecret { identifier: string; password: string }

export const APP_PASSWORDS_HELP_URL = 'https://bsky.app/settings/app-passwords';

/** The `exp` of a JWT (epoch seconds) as a Date; undefined when the token does not say. */
export function jwtExpiry(token: string): Date | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

function tokensOf(a: SessionAnswer, what: string, loginSecret?: string): TokenSet {
  if (typeof a.accessJwt !== 'string' || typeof a.refreshJwt !== 'string' || a.accessJwt === '' || a.refreshJwt === '') {
    throw new OAuthError('transient', 'invalid_response', `${what} answered without accessJwt and refreshJwt`);
  }
  // The refresh JWT's own expiry is not recorded: past it, the login secret still opens a new session.
  return { accessToken: a.accessJwt, refreshToken: a.refreshJwt, expiresAt: jwtExpiry(a.accessJwt), ...(loginSecret ? { loginSecret } : {}) };
}

/** A failed session call as the account lifecycle and the connect route understand it. */
function asOAuthError(err: unknown, refused: 'invalid_grant' | 'permanent'): never {
  if (err instanceof XrpcError) {
    if (err.kind === 'rate_limited' || err.kind === 'transient' || err.kind === 'ambiguous') throw new OAuthError('transient', err.error, err.message, err.retryAfterMs);
    throw new OAuthError(refused, err.error, err.message);
  }
  if (err instanceof PublishError) throw new OAuthError(err.kind === 'permanent' ? 'permanent' : 'transient', err.code, err.message, err.retryAfterMs);
  throw err;
}

export function createBlueskySession(http: BlueskyHttp): CredentialsProvider {
  async function createSession(identifier: string, password: string): Promise<SessionAnswer> {
    try {
      return await http.xrpc<SessionAnswer>({ method: 'POST', nsid: 'com.atproto.server.createSession', json: { identifier, password }, what: 'createSession' });
    } catch (err) {
      // A wrong identifier or password (401 AuthenticationRequired), a taken-down account: the user's to fix, and
      // Bluesky's own words say what (they are shown next to the form's password).
      if (err instanceof XrpcError && err.kind !== 'rate_limited' && err.kind !== 'transient' && err.kind !== 'ambiguous') {
        throw new OAuthError('invalid_grant', err.error, err.detail ?? err.message);
      }
      return asOAuthError(err, 'invalid_grant');
    }
  }

  async function fetchProfiles(tokens: TokenSet): Promise<ConnectedProfile[]> {
    let session: SessionAnswer;
    let profile: { displayName?: unknown; followersCount?: unknown };
    try {
      session = await http.xrpc<SessionAnswer>({ method: 'GET', nsid: 'com.atproto.server.getSession', token: tokens.accessToken, what: 'getSession' });
      if (typeof session.did !== 'string' || session.did === '') throw new OAuthError('transient', 'invalid_response', 'getSession answered without a did');
      profile = await http.xrpc({ method: 'GET', nsid: 'app.bsky.actor.getProfile', token: tokens.accessToken, query: { actor: session.did }, what: 'getProfile' });
    } catch (err) {
      if (err instanceof OAuthError) throw err;
      return asOAuthError(err, 'permanent');
    }
    const did = session.did as string;
    const handle = typeof session.handle === 'string' ? session.handle : did;
    const displayName = typeof profile.displayName === 'string' && profile.displayName.trim() !== '' ? profile.displayName : `@${handle}`;
    return [{ platformAccountId: did, displayName, metadata: { handle } }];
  }

  return {
    fields: [
      {
        name: 'identifier', label: 'Handle or email', secret: false, maxLength: 253,
        description: 'Your Bluesky handle (e.g. alice.bsky.social) or the email you log in with',
      },
      {
        name: 'appPassword', label: 'App password', secret: true, maxLength: 64,
        description: 'An app password made for Herald in Bluesky\'s settings (Privacy and security → App passwords), not your account password',
        helpUrl: APP_PASSWORDS_HELP_URL,
      },
    ],

    async connect(values) {
      const identifier = (values.identifier ?? '').trim().replace(/^@/, '');
      const password = (values.appPassword ?? '').trim();
      const answer = await createSession(identifier, password);
      if (typeof answer.did !== 'string' || answer.did === '') throw new OAuthError('transient', 'invalid_response', 'createSession answered without a did');
      // Logging in again later uses the DID: it survives a change of handle.
      const secret: LoginSecret = { identifier: answer.did, password };
      const tokens = tokensOf(answer, 'createSession', JSON.stringify(secret));
      return { tokens, profiles: await fetchProfiles(tokens) };
    },

    async refresh({ refreshToken, loginSecret }) {
      try {
        return tokensOf(await http.xrpc<SessionAnswer>({ method: 'POST', nsid: 'com.atproto.server.refreshSession', token: refreshToken, what: 'refreshSession' }), 'refreshSession');
      } catch (err) {
        const spent = err instanceof XrpcError && (err.error === 'ExpiredToken' || err.error === 'InvalidToken');
        if (!spent) return asOAuthError(err, 'invalid_grant');
        if (!loginSecret) throw new OAuthError('invalid_grant', err.error, `${err.message}; no app password is stored to log in again`);
      }
      const secret = JSON.parse(loginSecret) as LoginSecret;
      try {
        return tokensOf(await createSession(secret.identifier, secret.password), 'createSession');
      } catch (err) {
        if (err instanceof OAuthError && err.kind === 'invalid_grant') {
          throw new OAuthError('invalid_grant', err.code, `the session expired and Bluesky refused the stored app password (${err.message}): connect the account again with a new app password`);
        }
        throw err;
      }
    },

    async revoke({ refreshToken }) {
      if (!refreshToken) return;
      await http.xrpc({ method: 'POST', nsid: 'com.atproto.server.deleteSession', token: refreshToken, what: 'deleteSession' });
    },

    fetchProfiles,
  };
}
