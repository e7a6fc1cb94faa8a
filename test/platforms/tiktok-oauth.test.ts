// The provider's Login Kit client against the sandbox: the authorize URL it builds (comma scopes, PKCE encodings),
// code exchange, profile, refresh rotation, revoke, and how token-endpoint failures are classified.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTiktokProvider, type TiktokProviderOptions } from '../../src/platforms/tiktok/index.js';
import { hexChallengeFromS256 } from '../../src/platforms/tiktok/oauth.js';
import { OAuthError, type OAuthProvider } from '../../src/platforms/provider.js';
import type { TiktokSandboxOptions } from '../../src/sandbox/platforms/tiktok/index.js';
import { startSandbox, type RunningSandbox, withSandbox } from '../sandbox/helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, DEFAULT_OPEN_ID } from '../sandbox/tiktok-helpers.js';

const REDIRECT = 'https://herald.example/api/oauth/callback/tiktok';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ tiktok: { accessTokenTtlSeconds: 20 } });
});
afterAll(async () => sb.close());
beforeEach(async () => sb.control.reset());

function oauthFor(on: RunningSandbox, over: Partial<TiktokProviderOptions> = {}): OAuthProvider {
  return createTiktokProvider({
    clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, authBaseUrl: `${on.baseUrl}/tiktok`, apiBaseUrl: `${on.baseUrl}/tiktok`, ...over,
  }).oauth!;
}

const withTiktokSandbox = <T>(tiktok: TiktokSandboxOptions, fn: (other: RunningSandbox) => Promise<T>) => withSandbox({ tiktok }, fn);

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Follows the authorize URL like a browser would, and returns the callback's query. */
async function approve(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams;
}

describe('connecting', () => {
  test('authorize URL → code → tokens → profile', async () => {
    const oauth = oauthFor(sb);
    expect(oauth.usesPkce).toBe(false);
    const url = new URL(oauth.authorizeUrl({ state: 'st-9', redirectUri: REDIRECT }));
    expect(`${url.origin}${url.pathname}`).toBe(`${sb.baseUrl}/tiktok/v2/auth/authorize/`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_key: CLIENT_KEY, response_type: 'code', scope: 'user.info.basic,video.upload,video.publish', redirect_uri: REDIRECT, state: 'st-9',
    });
    const back = await approve(url.toString());
    expect(back.get('state')).toBe('st-9');
    const tokens = await oauth.exchangeCode({ code: back.get('code')!, redirectUri: REDIRECT });
    expect(tokens.accessToken).toMatch(/^act\./);
    expect(tokens.refreshToken).toMatch(/^rft\./);
    expect(tokens.scopes).toEqual(['user.info.basic', 'video.upload', 'video.publish']);
    expect(tokens.expiresAt!.getTime() - Date.now()).toBeGreaterThan(15_000);
    expect(tokens.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(20_000);
    expect(tokens.refreshExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000);

    expect(await oauth.fetchProfiles(tokens)).toEqual([{
      platformAccountId: DEFAULT_OPEN_ID, displayName: 'Sandbox Creator',
      metadata: { unionId: expect.any(String), avatarUrl: expect.stringMatching(/^https:/) },
    }]);
  });

  test('with user.info.profile granted the username lands in the metadata (permalinks need it)', async () => {
    const oauth = oauthFor(sb, { scopes: ['user.info.basic', 'user.info.profile', 'video.publish'] });
    const back = await approve(oauth.authorizeUrl({ state: 's', redirectUri: REDIRECT }));
    const tokens = await oauth.exchangeCode({ code: back.get('code')!, redirectUri: REDIRECT });
    const [profile] = await oauth.fetchProfiles(tokens);
    expect(profile!.metadata).toMatchObject({ username: 'sandbox.creator', isVerified: false, profileDeepLink: expect.any(String) });
  });

  test('PKCE hex: the RFC 7636 challenge is re-encoded as hex and the verifier is checked', async () => {
    await withTiktokSandbox({ pkce: 'hex' }, async (other) => {
      const oauth = oauthFor(other, { pkce: 'hex' });
      expect(oauth.usesPkce).toBe(true);
      const { verifier, challenge } = pkce();
      const url = new URL(oauth.authorizeUrl({ state: 's', redirectUri: REDIRECT, codeChallenge: challenge }));
      expect(url.searchParams.get('code_challenge')).toBe(createHash('sha256').update(verifier).digest('hex'));
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      const code = (await approve(url.toString())).get('code')!;
      expect((await oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier })).accessToken).toMatch(/^act\./);
      const code2 = (await approve(url.toString())).get('code')!;
      const wrong = await oauth.exchangeCode({ code: code2, redirectUri: REDIRECT, codeVerifier: pkce().verifier }).catch((e: unknown) => e);
      expect(wrong).toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    });
  });

  test('PKCE s256: the challenge is passed as is', async () => {
    await withTiktokSandbox({ pkce: 's256' }, async (other) => {
      const oauth = oauthFor(other, { pkce: 's256' });
      const { verifier, challenge } = pkce();
      const url = oauth.authorizeUrl({ state: 's', redirectUri: REDIRECT, codeChallenge: challenge });
      expect(new URL(url).searchParams.get('code_challenge')).toBe(challenge);
      const code = (await approve(url)).get('code')!;
      expect((await oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier })).accessToken).toMatch(/^act\./);
    });
  });

  test('hexChallengeFromS256 refuses anything that is not a SHA-256 digest', () => {
    expect(() => hexChallengeFromS256('short')).toThrow();
    expect(hexChallengeFromS256(createHash('sha256').update('v').digest('base64url'))).toBe(createHash('sha256').update('v').digest('hex'));
  });
});

describe('refresh and revoke', () => {
  test('refresh rotates; the spent token is invalid_grant; revoke ends the grant', async () => {
    const oauth = oauthFor(sb);
    const back = await approve(oauth.authorizeUrl({ state: 's', redirectUri: REDIRECT }));
    const first = await oauth.exchangeCode({ code: back.get('code')!, redirectUri: REDIRECT });
    const second = await oauth.refresh!({ refreshToken: first.refreshToken! });
    expect(second.refreshToken).toMatch(/^rft\./);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const spent = await oauth.refresh!({ refreshToken: first.refreshToken! }).catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(OAuthError);
    expect(spent).toMatchObject({ kind: 'invalid_grant', code: 'invalid_grant' });

    await oauth.revoke({ accessToken: second.accessToken });
    expect(await oauth.fetchProfiles(second).catch((e: unknown) => e)).toMatchObject({ kind: 'permanent', code: 'access_token_invalid' });
    expect(await oauth.refresh!({ refreshToken: second.refreshToken! }).catch((e: unknown) => e)).toMatchObject({ kind: 'invalid_grant' });
  });

  test('without rotation the same refresh token is kept', async () => {
    await withTiktokSandbox({ rotateRefreshToken: false }, async (other) => {
      const oauth = oauthFor(other);
      const first = await oauth.exchangeCode({ code: (await approve(oauth.authorizeUrl({ state: 's', redirectUri: REDIRECT }))).get('code')!, redirectUri: REDIRECT });
      expect((await oauth.refresh!({ refreshToken: first.refreshToken! })).refreshToken).toBe(first.refreshToken);
    });
  });
});

describe('token endpoint failures', () => {
  test('invalid_grant is recognised even with HTTP 200', async () => {
    await withTiktokSandbox({ oauthErrorStatus: 200 }, async (other) => {
      const err = await oauthFor(other).refresh!({ refreshToken: 'rft.unknown' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'OAuthError', kind: 'invalid_grant' });
    });
  });

  test('a wrong client secret is permanent; 5xx and server_error are transient', async () => {
    const bad = await oauthFor(sb, { clientSecret: 'wrong' }).refresh!({ refreshToken: 'rft.x' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'permanent', code: 'invalid_client' });
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/oauth/token/' }, action: { type: 'status', status: 503 } });
    expect(await oauthFor(sb).refresh!({ refreshToken: 'rft.x' }).catch((e: unknown) => e)).toMatchObject({ kind: 'transient' });
    await sb.control.addFault({
      match: { method: 'POST', path: '/tiktok/v2/oauth/token/' },
      action: { type: 'status', status: 200, body: { error: 'temporarily_unavailable', error_description: 'later', log_id: 'L' } },
    });
    expect(await oauthFor(sb).refresh!({ refreshToken: 'rft.x' }).catch((e: unknown) => e)).toMatchObject({ kind: 'transient', code: 'temporarily_unavailable' });
  });

  test('error messages never carry the tokens sent', async () => {
    const err = await oauthFor(sb).refresh!({ refreshToken: 'rft.secret-value-123' }).catch((e: unknown) => e) as Error;
    expect(err.message).not.toContain('secret-value-123');
    expect(err.message).not.toContain(CLIENT_SECRET);
  });
});
