// The X provider against the in-process X sandbox, below the workflows: login with PKCE S256 (the refresh token
// rotates; a spent one is invalid_grant; revoke ends the grant), post rules and the options form, X's rate limits
// (its 429 waited out until x-rate-limit-reset, Herald's cross-worker hold of the per-user window, the monthly
// usage cap), a video whose processing fails, public metrics as post metrics, and the registry's aliases.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OAuthError, PublishError, type PlatformProvider, type PublishContext, type StepOutcome, type TokenSet } from '../../src/platforms/provider.js';
import { ProviderRegistry } from '../../src/platforms/registry.js';
import { X_SCOPES } from '../../src/platforms/x/index.js';
import { DEFAULT_X_USER, X_SANDBOX_CLIENT_ID } from '../../src/sandbox/platforms/x/index.js';
import { startSandbox, withSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { writeRandomFile } from '../support/random-file.js';
import { xAt } from '../support/x.js';

const REDIRECT = 'https://herald.example/api/social/callback/x';
let sb: RunningSandbox;
let provider: PlatformProvider;
let tokens: TokenSet;

async function connect(p: PlatformProvider): Promise<TokenSet> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const res = await fetch(p.oauth!.authorizeUrl({ state: 's1', redirectUri: REDIRECT, codeChallenge: challenge }), { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  return p.oauth!.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: REDIRECT, codeVerifier: verifier });
}

beforeAll(async () => {
  sb = await startSandbox({ x: { videoProcessingMs: 100 } });
  provider = xAt(sb.baseUrl, { segmentBytes: 4096 });
});
afterAll(async () => { await sb.close(); });
beforeEach(async () => {
  await sb.control.reset();
  tokens = await connect(provider);
});

let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}, token = tokens.accessToken): PublishContext {
  return {
    targetId: `target-${++seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: DEFAULT_X_USER.id, accessToken: token, metadata: { username: DEFAULT_X_USER.username } },
    text: `Hello from Herald ${seq} ${Date.now()}`, hashtags: [], media: [], options: {},
    state: { data: {} }, progress: undefined, heartbeat: () => {}, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    ...over,
  };
}

/** Runs the plan like the workflow, polling await steps. */
async function runPlan(p: PlatformProvider, ctx: PublishContext): Promise<PublishContext> {
  const plan = p.publish.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType })) });
  for (const step of plan) {
    for (let i = 0; ; i++) {
      const outcome: StepOutcome = await p.publish.runStep(step.name, ctx);
      ctx = { ...ctx, state: outcome.state };
      if (outcome.type !== 'pending') break;
      if (i > 200) throw new Error(`${step.name} never finished`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return ctx;
}

const caught = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('login', () => {
  test('the authorize URL asks for PKCE S256 and the scopes (space-separated, with offline.access); the profile is /2/users/me', async () => {
    const u = new URL(provider.oauth!.authorizeUrl({ state: 'abc', redirectUri: REDIRECT, codeChallenge: 'c'.repeat(43) }));
    expect(u.pathname).toBe('/x/i/oauth2/authorize');
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ client_id: X_SANDBOX_CLIENT_ID, code_challenge_method: 'S256', code_challenge: 'c'.repeat(43), scope: X_SCOPES.join(' ') });
    expect(provider.oauth!.usesPkce).toBe(true);
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), scopes: X_SCOPES });
    expect((tokens.expiresAt!.getTime() - Date.now()) / 1000).toBeCloseTo(7200, -2);
    expect(await provider.oauth!.fetchProfiles(tokens)).toEqual([{ platformAccountId: DEFAULT_X_USER.id, displayName: DEFAULT_X_USER.name, metadata: { username: DEFAULT_X_USER.username } }]);
  });

  test('refresh answers a new refresh token; the spent one is invalid_grant; revoke ends the grant', async () => {
    const fresh = await provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! });
    expect(fresh.refreshToken).not.toBe(tokens.refreshToken);
    const again = await caught(provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! }));
    expect(again).toBeInstanceOf(OAuthError);
    expect(again).toMatchObject({ kind: 'invalid_grant' });
    await provider.oauth!.revoke({ accessToken: fresh.accessToken });
    expect(await caught(provider.oauth!.refresh!({ refreshToken: fresh.refreshToken! }))).toMatchObject({ kind: 'invalid_grant' });
    expect((await sb.control.state('x')).grants[0]).toMatchObject({ revoked: true, refreshes: 1 });
  });

  test('the wrong client secret is a permanent failure, not a lost grant', async () => {
    const wrong = xAt(sb.baseUrl, { clientSecret: 'nope' });
    expect(await caught(wrong.oauth!.refresh!({ refreshToken: tokens.refreshToken! }))).toMatchObject({ kind: 'permanent', code: 'unauthorized_client' });
  });
});

describe('post rules and options', () => {
  test('weighted length via twitter-text; a video goes alone; thread parts and reply settings are checked by field', async () => {
    expect(provider.limits.textLength!('Hello, world! 👋')).toBe(16);
    expect(provider.limits.textLength!(`see https://example.com/${'x'.repeat(200)}`)).toBe(4 + 23);
    const issues = provider.validateTarget!({
      text: 'hi', hashtags: [], media: [{ contentType: 'video/mp4' }, { contentType: 'image/png' }],
      options: { thread: ['ok', '漢'.repeat(141)], replySettings: 'everyone' },
    });
    expect(issues.map((i) => [i.field, i.rule])).toEqual([['media', 'single_video'], ['options.replySettings', 'enum'], ['options.thread.1', 'max_length']]);
    const form = await provider.targetOptions!.describe({ accessToken: 't', platformAccountId: 'u', metadata: {} });
    expect(form.map((f) => [f.name, f.kind])).toEqual([['thread', 'text_list'], ['replySettings', 'enum']]);
  });
});

describe('publishing', () => {
  test('media are staged ahead (24 h) before the create commit; the plan has one commit per thread part', () => {
    const plan = provider.publish.plan({ options: { thread: ['a', 'b'] }, media: [{ contentType: 'video/mp4' }] });
    expect(plan.map((s) => [s.name, s.kind])).toEqual([
      ['prepare', 'prepare'], ['media.0.upload', 'transfer'], ['media.status', 'await'], ['post', 'commit'], ['part.1.post', 'commit'], ['part.2.post', 'commit'],
    ]);
    expect(plan.filter((s) => 'stage' in s && s.stage).map((s) => s.name)).toEqual(['prepare', 'media.0.upload', 'media.status']);
    expect(plan.find((s) => s.name === 'post')).toMatchObject({ absence: { kind: 'settle_window' } });
  });

  test('a video whose processing fails ends the target with a permanent error', async () => {
    const file = await writeRandomFile(10_000);
    try {
      let ctx = makeCtx({ media: [file.media()] });
      ctx = { ...ctx, state: (await provider.publish.runStep('prepare', ctx)).state };
      ctx = { ...ctx, state: (await provider.publish.runStep('media.0.upload', ctx)).state };
      const mediaId = (ctx.state.data.media as Record<string, { id: string }>)[0]!.id;
      await sb.control.call('POST', `/x/media/${mediaId}/fail`);
      await new Promise((r) => setTimeout(r, 150));
      expect(await caught(provider.publish.runStep('media.status', ctx))).toMatchObject({ kind: 'permanent', code: 'media_processing_failed' });
    } finally {
      await file.remove();
    }
  });

  test('X\'s 429 is rate_limited until x-rate-limit-reset; the monthly usage cap is rate_limited usage_capped', async () => {
    await withSandbox({ x: { rateLimits: { create_post: { perUser: 1 } } } }, async (other) => {
      const p = xAt(other.baseUrl);
      const t = await connect(p);
      await runPlan(p, makeCtx({}, t.accessToken));
      const err = await caught(runPlan(p, makeCtx({}, t.accessToken)));
      expect(err).toBeInstanceOf(PublishError);
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'rate_limit_exceeded' });
      expect((err as PublishError).retryAfterMs! / 60_000).toBeGreaterThan(14);
    });
    await withSandbox({ x: { monthlyPostCap: 1 } }, async (other) => {
      const p = xAt(other.baseUrl);
      const t = await connect(p);
      await runPlan(p, makeCtx({}, t.accessToken));
      expect(await caught(runPlan(p, makeCtx({}, t.accessToken)))).toMatchObject({ kind: 'rate_limited', code: 'usage_capped' });
    });
  });

  test('the per-user window is held across workers before sending: past it, nothing reaches X', async () => {
    const p = xAt(sb.baseUrl, { postsPerUserWindow: 2 });
    const quota = memoryQuota();
    for (let i = 0; i < 2; i++) await runPlan(p, makeCtx({ quota }));
    const err = await caught(runPlan(p, makeCtx({ quota })));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'user_post_limit' });
    expect((err as PublishError).retryAfterMs! / 60_000).toBeGreaterThan(14);
    expect((await sb.control.state('x')).posts).toHaveLength(2);
  });
});

test('public metrics become post metrics; a post X no longer has is skipped', async () => {
  const ctx = await runPlan(provider, makeCtx());
  const id = ctx.state.platformPostId!;
  await sb.control.call('PUT', `/x/posts/${id}/metrics`, { like_count: 12, reply_count: 3, retweet_count: 4, quote_count: 9, bookmark_count: 2, impression_count: 800 });
  const metrics = await provider.insights!.fetchPostMetrics({ accessToken: tokens.accessToken, platformAccountId: DEFAULT_X_USER.id, quota: memoryQuota() },
    [{ targetId: 't1', platformPostId: id }, { targetId: 't2', platformPostId: '1234' }]);
  expect(metrics).toEqual([{ targetId: 't1', views: 800, likes: 12, comments: 3, shares: 4, saves: 2 }]);
});

test('the registry resolves aliases to the provider\'s id and refuses a name used twice', () => {
  const registry = new ProviderRegistry([provider]);
  expect(registry.get('twitter')).toBe(registry.get('x'));
  expect([registry.has('twitter'), registry.has('myspace')]).toEqual([true, false]);
  expect([registry.canonicalId('twitter'), registry.canonicalId('x'), registry.canonicalId('myspace')]).toEqual(['x', 'x', 'myspace']);
  expect(() => new ProviderRegistry([provider, { ...provider, id: 'twitter', aliases: [] }])).toThrow(/twitter/);
});
