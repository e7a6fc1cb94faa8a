// The Bluesky provider against the in-process PDS simulator, below the workflows: logging in with an app password
// (a wrong one is invalid_grant in Bluesky's words, a rate-limited login transient), renewing with refreshSession and
// falling back on one login with the stored app password, revoking; facets found in text as UTF-8 byte ranges
// (punctuation, emails, links holding `#` or `@`); a handle that does not resolve left as text; the write points held
// across workers before sending and Bluesky's own 429 waited out until its reset; an expired session as `auth`; an
// image over 1,000,000 bytes refused before uploading; grapheme counting as the post limit.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OAuthError, PublishError, type PlatformProvider, type PublishContext, type TokenSet } from '../../src/platforms/provider.js';
import { detectFacets } from '../../src/platforms/bluesky/rich-text.js';
import { DEFAULT_BLUESKY_ACCOUNT as ALICE, SECOND_BLUESKY_ACCOUNT as BOB } from '../../src/sandbox/platforms/bluesky/index.js';
import { startSandbox, withSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { BLUESKY_LOGIN, blueskyAt } from '../support/bluesky.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';

let sb: RunningSandbox;
let provider: PlatformProvider;
let tokens: TokenSet;

beforeAll(async () => {
  sb = await startSandbox();
  provider = blueskyAt(sb.baseUrl);
});
afterAll(async () => { await sb.close(); });
beforeEach(async () => {
  await sb.control.reset();
  tokens = (await provider.credentials!.connect(BLUESKY_LOGIN)).tokens;
});

const caught = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const calls = async (on: RunningSandbox, nsid: string) => on.control.requests(`?platform=bluesky&path=/bluesky/xrpc/${nsid}`);

let seq = 0;
function makeCtx(p: PlatformProvider, over: Partial<PublishContext> = {}, token = tokens.accessToken): PublishContext {
  return {
    targetId: `target-${++seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: ALICE.did, accessToken: token, metadata: { handle: ALICE.handle } },
    text: `Hello from Herald ${seq} ${Date.now()}`, hashtags: [], media: [], options: {},
    state: { data: {} }, progress: undefined, heartbeat: () => {}, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    ...over,
  };
}

async function runPlan(p: PlatformProvider, ctx: PublishContext): Promise<PublishContext> {
  for (const step of p.publish.plan({ options: ctx.options, media: ctx.media })) {
    ctx = { ...ctx, state: (await p.publish.runStep(step.name, ctx)).state };
  }
  return ctx;
}

describe('login', () => {
  test('an app password opens a session (expiry from the access JWT); the profile is the DID with its handle; a wrong one is invalid_grant in Bluesky\'s words', async () => {
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), loginSecret: expect.any(String) });
    expect((tokens.expiresAt!.getTime() - Date.now()) / 1000).toBeCloseTo(7200, -2);
    const { profiles } = await provider.credentials!.connect({ identifier: ALICE.email!, appPassword: ALICE.appPassword });
    expect(profiles).toEqual([{ platformAccountId: ALICE.did, displayName: ALICE.displayName, metadata: { handle: ALICE.handle } }]);
    const wrong = await caught(provider.credentials!.connect({ ...BLUESKY_LOGIN, appPassword: 'wxyz-wxyz-wxyz-wxyz' }));
    expect(wrong).toBeInstanceOf(OAuthError);
    expect(wrong).toMatchObject({ kind: 'invalid_grant', code: 'AuthenticationRequired', message: 'Invalid identifier or password' });
  });

  test('a login refused for the day\'s or the 5 minutes\' limit is transient, waiting until the reset', async () => {
    await withSandbox({ bluesky: { sessionsPer5Min: 1 } }, async (other) => {
      const p = blueskyAt(other.baseUrl);
      await p.credentials!.connect(BLUESKY_LOGIN);
      const limited = await caught(p.credentials!.connect(BLUESKY_LOGIN));
      expect(limited).toMatchObject({ kind: 'transient', code: 'RateLimitExceeded' });
      expect((limited as OAuthError).retryAfterMs).toBeGreaterThan(200_000);
    });
  });

  test('refresh rotates both JWTs; a spent refresh JWT falls back on one login with the login secret, and without it is invalid_grant', async () => {
    const fresh = await provider.credentials!.refresh({ refreshToken: tokens.refreshToken! });
    expect(fresh.refreshToken).not.toBe(tokens.refreshToken);
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    const logins = (await calls(sb, 'com.atproto.server.createSession')).length;
    const spent = await caught(provider.credentials!.refresh({ refreshToken: tokens.refreshToken! }));
    expect(spent).toMatchObject({ kind: 'invalid_grant', code: 'ExpiredToken' });
    const again = await provider.credentials!.refresh({ refreshToken: tokens.refreshToken!, loginSecret: tokens.loginSecret });
    expect(await calls(sb, 'com.atproto.server.createSession')).toHaveLength(logins + 1);
    expect((await provider.credentials!.fetchProfiles(again))[0]!.platformAccountId).toBe(ALICE.did);
    // The user revoked the app password: the fallback is refused too, saying so.
    await sb.control.call('PUT', '/bluesky/app-password', { handle: ALICE.handle, appPassword: 'zzzz-zzzz-zzzz-zzzz' });
    const revoked = await caught(provider.credentials!.refresh({ refreshToken: tokens.refreshToken!, loginSecret: tokens.loginSecret }));
    expect(revoked).toMatchObject({ kind: 'invalid_grant', message: expect.stringContaining('refused the stored app password') });
  });

  test('revoke ends the session at the PDS: its refresh JWT no longer works', async () => {
    await provider.credentials!.revoke({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! });
    expect(await caught(provider.credentials!.refresh({ refreshToken: tokens.refreshToken! }))).toMatchObject({ kind: 'invalid_grant', code: 'InvalidToken' });
  });
});

describe('text', () => {
  const covered = (text: string) => detectFacets(text).map((f) => [f.kind, Buffer.from(text).subarray(f.byteStart, f.byteEnd).toString()]);

  test('links, mentions and tags are found as UTF-8 byte ranges, without trailing punctuation', () => {
    expect(covered('Voilà! (see https://exämple.com/a_(b)), ask @bob.sandbox.test. #Été2026 #2026 done.')).toEqual([
      ['link', 'https://exämple.com/a_(b)'],
      ['mention', '@bob.sandbox.test'],
      ['tag', '#Été2026'],
    ]);
  });

  test('an email is no mention, a single-label @name is no handle, and a `#` or `@` inside a link belongs to the link', () => {
    expect(covered('mail me@example.com or @bob, see https://example.com/#top and https://example.com/@alice')).toEqual([
      ['link', 'https://example.com/#top'],
      ['link', 'https://example.com/@alice'],
    ]);
  });

  test('the post limit counts graphemes: a family emoji is one, a combining accent joins its letter', () => {
    const count = provider.limits.textLength!;
    expect(count('👨‍👩‍👧‍👦')).toBe(1);
    expect(count('e\u0301')).toBe(1);
    expect(provider.limits.maxTextLength).toBe(300);
    expect(provider.validateTarget!({ text: '👨‍👩‍👧‍👦'.repeat(130), hashtags: [], media: [], options: {} })).toEqual([expect.objectContaining({ field: 'text', rule: 'max_bytes' })]);
  });
});

describe('publishing', () => {
  test('a handle that does not resolve stays plain text; one that does becomes a mention of its DID', async () => {
    const ctx = await runPlan(provider, makeCtx(provider, { text: `hi @nobody.sandbox.test and @${BOB.handle}` }));
    const record = (await sb.control.state('bluesky')).records.find((r: { uri: string }) => r.uri === ctx.state.platformPostId);
    expect(record.value.facets).toEqual([expect.objectContaining({ features: [{ $type: 'app.bsky.richtext.facet#mention', did: BOB.did }] })]);
  });

  test('write points are held across workers before sending: the third create of a 6-point hour waits without reaching Bluesky', async () => {
    const p = blueskyAt(sb.baseUrl, { writePointsPerHour: 6 });
    const quota = memoryQuota();
    await runPlan(p, makeCtx(p, { quota }));
    await runPlan(p, makeCtx(p, { quota }));
    const before = (await calls(sb, 'com.atproto.repo.createRecord')).length;
    const third = makeCtx(p, { quota });
    const err = await caught(runPlan(p, third));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'write_points_hour' });
    expect((err as PublishError).retryAfterMs).toBeGreaterThan(3_500_000);
    expect(await calls(sb, 'com.atproto.repo.createRecord')).toHaveLength(before);
  });

  test('Bluesky\'s own 429 is rate_limited until its ratelimit-reset', async () => {
    await withSandbox({ bluesky: { writePoints: { perHour: 3 } } }, async (other) => {
      const p = blueskyAt(other.baseUrl);
      const { tokens: t } = await p.credentials!.connect(BLUESKY_LOGIN);
      await runPlan(p, makeCtx(p, {}, t.accessToken));
      const err = await caught(runPlan(p, makeCtx(p, {}, t.accessToken)));
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'RateLimitExceeded' });
      expect((err as PublishError).retryAfterMs).toBeGreaterThan(3_500_000);
    });
  });

  test('an expired access JWT is `auth` (the account workflow refreshes); an image over 1,000,000 bytes is refused before uploading', async () => {
    await sb.control.call('POST', '/bluesky/sessions/expire', { accessExpiresInSeconds: 0 });
    expect(await caught(runPlan(provider, makeCtx(provider)))).toMatchObject({ kind: 'auth', code: 'ExpiredToken' });
    const fresh = await provider.credentials!.refresh({ refreshToken: tokens.refreshToken! });
    const big = { contentType: 'image/png', sizeBytes: 1_000_001, open: () => { throw new Error('not read'); } };
    expect(await caught(runPlan(provider, makeCtx(provider, { media: [big] }, fresh.accessToken)))).toMatchObject({ kind: 'permanent', code: 'image_too_large' });
    expect(await calls(sb, 'com.atproto.repo.uploadBlob')).toHaveLength(0);
  });
});
