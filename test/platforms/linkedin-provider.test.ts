// The LinkedIn provider's pure parts and its calls against the in-process LinkedIn sandbox: commentary escaping
// (every reserved little-text character, read back by the sandbox's independent little-text reader), the authorize
// URL and scopes, renewal only for apps with refresh tokens, the profiles of one login (member, page, a page where
// the member may not post), target rules, a member-only grant, and the provider and sandbox built from configuration
// (as `npm run dev` runs them).
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DEFAULT_LINKEDIN_VERSION, escapeLittleText, LINKEDIN_SCOPES } from '../../src/platforms/linkedin/index.js';
import { readLittleText } from '../../src/sandbox/platforms/linkedin/little-text.js';
import { DEFAULT_LINKEDIN_MEMBER, LINKEDIN_SANDBOX_CLIENT_ID } from '../../src/sandbox/platforms/linkedin/index.js';
import { loadConfig } from '../../src/config.js';
import { createProviderRegistry } from '../../src/platforms/registry.js';
import { sandboxOptionsFromConfig } from '../../src/sandbox/options-from-config.js';
import { startSandbox, withSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { linkedinAt } from '../support/linkedin.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';

const REDIRECT = 'https://herald.example/api/social/connect/linkedin/callback';
const RESERVED = ['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~'];
let sb: RunningSandbox;

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

test.each(RESERVED)('the reserved character %s is escaped with a backslash and reads back as itself', (c) => {
  // Digits after it: `#` before a letter would be a hashtag (next test).
  const text = `1${c}2 ${c}${c} end${c}`;
  const escaped = escapeLittleText(text);
  expect(escaped).toBe(`1\\${c}2 \\${c}\\${c} end\\${c}`);
  expect(readLittleText(escaped)).toEqual({ text });
});

test('a hashtag before a letter stays a hashtag; other text is untouched; unescaped text would be cut where LinkedIn cuts it', () => {
  expect(escapeLittleText('Hello #launch #1 # ok, café! 50% off')).toBe('Hello #launch \\#1 \\# ok, café! 50% off');
  expect(escapeLittleText('#snake_case')).toBe('#snake\\_case');
  expect(readLittleText(escapeLittleText('#snake_case'))).toEqual({ text: '#snake_case' });
  expect(readLittleText('Hello (world)')).toEqual({ text: 'Hello ', unescapedAt: 6 });
});

test('the authorize URL asks LinkedIn for the member and page scopes, space separated, without PKCE; LINKEDIN_VERSION defaults to the tested version', () => {
  const provider = linkedinAt(sb.baseUrl);
  const u = new URL(provider.oauth!.authorizeUrl({ state: 's1', redirectUri: REDIRECT }));
  expect(u.pathname).toBe('/linkedin/oauth/v2/authorization');
  expect(Object.fromEntries(u.searchParams)).toEqual({ response_type: 'code', client_id: LINKEDIN_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, state: 's1', scope: LINKEDIN_SCOPES.join(' ') });
  expect(provider.oauth!.usesPkce).toBe(false);
  expect(loadConfig({}).LINKEDIN_VERSION).toBe(DEFAULT_LINKEDIN_VERSION);
  expect(() => loadConfig({ LINKEDIN_VERSION: '2026-11' })).toThrow(/LINKEDIN_VERSION/);
});

async function login(on: RunningSandbox, refreshTokens: boolean) {
  const provider = linkedinAt(on.baseUrl, { refreshTokens });
  const res = await fetch(provider.oauth!.authorizeUrl({ state: 's', redirectUri: REDIRECT }), { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  return { provider, tokens: await provider.oauth!.exchangeCode({ code, redirectUri: REDIRECT }) };
}

test('without refresh tokens there is no refresh and the token stands in for the grant; with them the refresh token renews', async () => {
  const { provider, tokens } = await login(sb, false);
  expect(provider.oauth!.refresh).toBeUndefined();
  expect(tokens).toMatchObject({ refreshToken: tokens.accessToken, refreshExpiresAt: tokens.expiresAt, scopes: LINKEDIN_SCOPES });
  await withSandbox({ linkedin: { refreshTokens: true } }, async (other) => {
    const r = await login(other, true);
    expect(r.tokens.refreshToken).not.toBe(r.tokens.accessToken);
    const fresh = await r.provider.oauth!.refresh!({ refreshToken: r.tokens.refreshToken! });
    expect(fresh.accessToken).not.toBe(r.tokens.accessToken);
    expect(fresh.refreshToken).toBe(r.tokens.refreshToken);
    await expect(r.provider.oauth!.refresh!({ refreshToken: 'revoked' })).rejects.toMatchObject({ kind: 'invalid_grant' });
  });
});

test('profiles: the member and each page with its role; a page where the member is only an analyst is listed but not postable', async () => {
  const member = { ...DEFAULT_LINKEDIN_MEMBER, organizations: [...DEFAULT_LINKEDIN_MEMBER.organizations, { id: '99', localizedName: 'Watched Co', vanityName: 'watched', role: 'ANALYST' as const }] };
  await withSandbox({ linkedin: { member } }, async (other) => {
    const { provider, tokens } = await login(other, false);
    const profiles = await provider.oauth!.fetchProfiles(tokens);
    expect(profiles.map((p) => [p.platformAccountId, p.displayName, p.notPostableReason ?? null])).toEqual([
      [`urn:li:person:${member.sub}`, member.name, null],
      ['urn:li:organization:2414183', 'Sandbox Org', null],
      ['urn:li:organization:99', 'Watched Co', expect.stringMatching(/ANALYST.*do not allow posting/)],
    ]);
  });
  await withSandbox({ linkedin: { member: { ...DEFAULT_LINKEDIN_MEMBER, grantedScopes: ['openid', 'profile', 'w_member_social'] } } }, async (other) => {
    const { provider, tokens } = await login(other, false);
    expect((await provider.oauth!.fetchProfiles(tokens)).map((p) => p.platformAccountId)).toEqual([`urn:li:person:${DEFAULT_LINKEDIN_MEMBER.sub}`]);
  });
});

test('target rules: one video alone, stored files only, a link only without media, visibility PUBLIC or CONNECTIONS', () => {
  const provider = linkedinAt(sb.baseUrl);
  const rules = (draft: Partial<Parameters<NonNullable<typeof provider.validateTarget>>[0]>) =>
    provider.validateTarget!({ text: 'x', hashtags: [], media: [], options: {}, ...draft }).map((i) => `${i.field}:${i.rule}`);
  expect(rules({ media: [{ contentType: 'video/mp4', mediaId: 'm1' }, { contentType: 'image/png', mediaId: 'm2' }] })).toEqual(['media:single_video']);
  expect(rules({ media: [{ contentType: 'image/png', url: 'https://x.example/a.png' }] })).toEqual(['media.0:stored_file_required']);
  expect(rules({ media: [{ contentType: 'image/png', mediaId: 'm1' }], options: { link: 'https://x.example' } })).toEqual(['options.link:text_only']);
  expect(rules({ options: { link: 'ftp://x' } })).toEqual(['options.link:url']);
  expect(rules({ options: { visibility: 'FRIENDS' } })).toEqual(['options.visibility:enum']);
  expect(rules({ options: { link: 'https://x.example', visibility: 'CONNECTIONS' } })).toEqual([]);
  expect(provider.limits.textLength!('(a)')).toBe(5);
});

test('from configuration: registered only with client id and secret, hosts defaulting to the sandbox, which takes the same app and refresh setting', async () => {
  expect(createProviderRegistry(loadConfig({ LINKEDIN_CLIENT_ID: 'only-id' })).has('linkedin')).toBe(false);
  const app = { LINKEDIN_CLIENT_ID: 'cfg-client', LINKEDIN_CLIENT_SECRET: 'cfg-secret', LINKEDIN_REFRESH_TOKENS: 'true' };
  const other = await startSandbox({ ...sandboxOptionsFromConfig(loadConfig(app)), logLevel: 'silent' });
  const config = loadConfig({ ...app, SANDBOX_BASE_URL: other.baseUrl });
  try {
    const linkedin = createProviderRegistry(config).get('linkedin');
    expect(linkedin.oauth!.authorizeUrl({ state: 's', redirectUri: REDIRECT })).toMatch(new RegExp(`^${other.baseUrl}/linkedin/oauth/v2/authorization\\?`));
    expect(linkedin.displayName).toBe('LinkedIn');
    const consent = await fetch(linkedin.oauth!.authorizeUrl({ state: 's', redirectUri: REDIRECT }), { redirect: 'manual' });
    const tokens = await linkedin.oauth!.exchangeCode({ code: new URL(consent.headers.get('location')!).searchParams.get('code')!, redirectUri: REDIRECT });
    expect(tokens.refreshToken).not.toBe(tokens.accessToken);
    expect((await linkedin.oauth!.fetchProfiles(tokens)).map((p) => p.displayName)).toEqual([DEFAULT_LINKEDIN_MEMBER.name, 'Sandbox Org']);
  } finally {
    await other.close();
  }
});

test('a 429 (no Retry-After at LinkedIn) is rate_limited with the configured wait; a revoked token is an auth error', async () => {
  await withSandbox({ linkedin: { memberDailyLimit: 2 } }, async (other) => {
    const { tokens } = await login(other, false);
    const provider = linkedinAt(other.baseUrl, { rateLimitWaitMs: 123_000 });
    const ctx = {
      targetId: 't1', postId: 'p1', account: { id: 'a1', platformAccountId: `urn:li:person:${DEFAULT_LINKEDIN_MEMBER.sub}`, accessToken: tokens.accessToken, metadata: {} },
      text: 'hello', hashtags: [], media: [], options: {}, state: { data: {} }, progress: undefined, heartbeat: () => {},
      signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    };
    // The login's profile calls are not made here: the two calls of the day go to the posts.
    await provider.publish.runStep('post', ctx);
    await provider.publish.runStep('post', { ...ctx, text: 'again' });
    await expect(provider.publish.runStep('post', { ...ctx, text: 'third' })).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 123_000 });
    await other.control.call('POST', '/linkedin/tokens', { revoke: true });
    await expect(provider.publish.reconcile('post', ctx)).rejects.toMatchObject({ kind: 'auth' });
  });
});
