// The Instagram provider against the in-process Meta sandbox: the connect flow (authorize URL, code → long-lived
// token, profiles, no business account, refresh, revoke), IMAGE / REELS / CAROUSEL publishing through plan +
// runStep, container ERROR, the publishing limit on both sides, and reconcile after a lost media_publish answer.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { INSTAGRAM_SCOPES, type InstagramProviderOptions } from '../../src/platforms/instagram/index.js';
import {
  OAuthError, PublishError, type MediaSource, type PlatformProvider, type PublishContext, type PublishState, type StepOutcome } from '../../src/platforms/provider.js';
import { DEFAULT_META_USER, META_SANDBOX_APP_ID } from '../../src/sandbox/platforms/meta/index.js';
import { startSandbox, withSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { instagramAt } from '../support/instagram.js';

const REDIRECT = 'https://herald.example/api/social/connect/instagram/callback';
const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;

let sb: RunningSandbox;
let provider: PlatformProvider;
let token: string;

function providerFor(on: RunningSandbox, over: Partial<InstagramProviderOptions> = {}): PlatformProvider {
  return instagramAt(on.baseUrl, { pollIntervalMs: 20, webhookVerifyToken: 'verify-me', ...over });
}

/** Walks the dialog the way a browser would and returns the provider's token set. */
async function connect(p: PlatformProvider) {
  const url = p.oauth!.authorizeUrl({ state: 's1', redirectUri: REDIRECT });
  const res = await fetch(url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  if (back.searchParams.get('error')) throw new Error(back.searchParams.get('error')!);
  return p.oauth!.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: REDIRECT });
}

beforeAll(async () => {
  sb = await startSandbox({ meta: { videoProcessingMs: 60, publishingLimit: 50 } });
  provider = providerFor(sb);
});
afterAll(async () => { await sb.close(); });
beforeEach(async () => {
  await sb.control.reset();
  token = (await connect(provider)).accessToken;
});

const image = (name = 'a.jpg'): MediaSource => ({ contentType: 'image/jpeg', url: `https://cdn.example/${name}` });
const video = (name = 'v.mp4'): MediaSource => ({ contentType: 'video/mp4', url: `https://cdn.example/${name}` });

let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}): PublishContext {
  return {
    targetId: `target-${++seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: IG, accessToken: token, metadata: {} },
    text: `Hello from Herald ${seq} #herald`, hashtags: ['herald'], media: [image()], options: {},
    state: { data: {} }, progress: undefined, heartbeat: () => {}, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    ...over,
  };
}

/** Runs the plan like the workflow: await steps polled until they move on. */
async function runPlan(p: PlatformProvider, ctx: PublishContext, until?: string): Promise<{ outcome: StepOutcome; ctx: PublishContext }> {
  const plan = p.publish.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) })) });
  let outcome: StepOutcome = { type: 'continue', state: ctx.state };
  for (const step of plan) {
    if (step.name === until) break;
    for (let i = 0; ; i++) {
      outcome = await p.publish.runStep(step.name, ctx);
      ctx = { ...ctx, state: outcome.state };
      if (outcome.type !== 'pending') break;
      if (i > 200) throw new Error(`${step.name} never finished`);
      await new Promise((r) => setTimeout(r, outcome.type === 'pending' ? outcome.pollAfterMs : 0));
    }
    if (outcome.type === 'published') break;
  }
  return { outcome, ctx };
}

describe('connect', () => {
  test('authorize URL is the Facebook Login dialog with the project scopes', () => {
    const u = new URL(provider.oauth!.authorizeUrl({ state: 'abc', redirectUri: REDIRECT }));
    expect(u.pathname).toBe('/meta/v25.0/dialog/oauth');
    expect(u.searchParams.get('client_id')).toBe(META_SANDBOX_APP_ID);
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('state')).toBe('abc');
    expect(u.searchParams.get('scope')!.split(',')).toEqual(INSTAGRAM_SCOPES);
    expect(provider.oauth!.usesPkce).toBe(false);
  });

  test('exchangeCode yields a long-lived token (~60 days) with the granted scopes; profiles carry the IG account', async () => {
    const tokens = await connect(provider);
    const days = (tokens.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59);
    expect(days).toBeLessThan(61);
    expect(tokens.scopes).toEqual(expect.arrayContaining(['instagram_content_publish', 'pages_show_list']));
    const profiles = await provider.oauth!.fetchProfiles(tokens);
    expect(profiles).toEqual([{ platformAccountId: IG, displayName: 'sandbox_ig', metadata: { pageId: '1755847768034402', username: 'sandbox_ig', missingScopes: [] }, missingScopes: [] }]);
  });

  test('missing scopes are reported; no Instagram business account anywhere → permanent no_instagram_business_account', async () => {
    const other = await startSandbox({ meta: { user: { id: '9', name: 'n', grantedScopes: ['pages_show_list', 'instagram_basic'], pages: [{ id: '5', name: 'p', instagram: { id: '178', username: 'u' } }] } } });
    const none = await startSandbox({ meta: { user: { id: '9', name: 'n', pages: [{ id: '5', name: 'plain' }] } } });
    try {
      const p = providerFor(other);
      const profiles = await p.oauth!.fetchProfiles(await connect(p));
      expect(profiles[0]!.metadata!.missingScopes).toEqual(['instagram_content_publish', 'pages_read_engagement']);
      const q = providerFor(none);
      const err = await q.oauth!.fetchProfiles(await connect(q)).catch((e) => e);
      expect(err).toBeInstanceOf(OAuthError);
      expect(err).toMatchObject({ kind: 'permanent', code: 'no_instagram_business_account' });
    } finally {
      await other.close();
      await none.close();
    }
  });

  test('refresh re-exchanges a valid long-lived token (same expiry by default, a new one when Meta extends); after revoke it is invalid_grant', async () => {
    const tokens = await connect(provider);
    const fresh = await provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! });
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    // The sandbox's default follows §3.3: an exchanged long-lived token keeps its expiry (renewal does not extend).
    expect(Math.abs(fresh.expiresAt!.getTime() - tokens.expiresAt!.getTime())).toBeLessThan(2000);
    await provider.oauth!.revoke({ accessToken: fresh.accessToken });
    const err = await provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid_grant', code: '190/458' });
    expect(err.message).toContain('the user removed the app');
    expect(err.message).not.toContain(tokens.refreshToken!);

    await withSandbox({ meta: { longLivedExchange: 'extend', longLivedTokenSeconds: 3600 } }, async (extending) => {
      const p = providerFor(extending);
      const first = await connect(p);
      await extending.control.call('POST', '/meta/tokens', { expiresInSeconds: 600 });
      const renewed = await p.oauth!.refresh!({ refreshToken: first.refreshToken! });
      expect(renewed.expiresAt!.getTime() - Date.now()).toBeGreaterThan(3500_000);
      // A password change invalidates every session: the exchange answers 190/460 with its meaning.
      await extending.control.call('POST', '/meta/tokens', { invalidate: 460 });
      const dead = await p.oauth!.refresh!({ refreshToken: renewed.refreshToken! }).catch((e) => e);
      expect(dead).toMatchObject({ kind: 'invalid_grant', code: '190/460' });
      expect(dead.message).toContain('changed their password');
    });
  });

  test('tokenRenewal none: the provider offers no refresh at all', () => {
    expect(providerFor(sb, { tokenRenewal: 'none' }).oauth!.refresh).toBeUndefined();
    expect(provider.oauth!.refresh).toBeTypeOf('function');
  });

  test('a bad code is invalid_grant', async () => {
    const err = await provider.oauth!.exchangeCode({ code: 'AQnope', redirectUri: REDIRECT }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid_grant', code: '100/36009' });
  });
});

describe('publish', () => {
  test('IMAGE: plan + runStep to published with media id and permalink; exactly one media', async () => {
    const ctx = makeCtx();
    expect(provider.publish.plan({ options: {}, media: [{ contentType: 'image/jpeg' }] }).map((s) => s.name)).toEqual(['limit', 'container', 'containerStatus', 'publish', 'permalink']);
    const { outcome } = await runPlan(provider, ctx);
    expect(outcome.type).toBe('published');
    expect(outcome.state.platformPostId).toMatch(/^\d+$/);
    expect(outcome.state.permalink).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
    expect(JSON.stringify(outcome.state)).not.toContain(token);
    const snap = await sb.control.state('meta');
    expect(snap.media).toHaveLength(1);
    expect(snap.media[0]).toMatchObject({ id: outcome.state.platformPostId, caption: ctx.text, mediaType: 'IMAGE' });
  });

  test('REELS: the status step polls IN_PROGRESS, then publishes a reel', async () => {
    const ctx = makeCtx({ media: [video()] });
    const pending = await runPlan(provider, ctx, 'publish');
    expect(pending.ctx.state.containerId).toMatch(/^\d+$/);
    const { outcome } = await runPlan(provider, pending.ctx);
    expect(outcome.type).toBe('published');
    expect(outcome.state.permalink).toMatch(/\/reel\//);
    const snap = await sb.control.state('meta');
    expect(snap.media[0].productType).toBe('REELS');
  });

  test('CAROUSEL: children then parent, one album', async () => {
    const ctx = makeCtx({ media: [image('1.jpg'), video('2.mp4'), image('3.jpg')] });
    const plan = provider.publish.plan({ options: {}, media: ctx.media });
    expect(plan.map((s) => s.name)).toEqual(['limit', 'children', 'childrenStatus', 'container', 'containerStatus', 'publish', 'permalink']);
    const { outcome } = await runPlan(provider, ctx);
    expect(outcome.type).toBe('published');
    expect((outcome.state.data.children as string[])).toHaveLength(3);
    const snap = await sb.control.state('meta');
    expect(snap.media).toHaveLength(1);
    expect(snap.media[0].mediaType).toBe('CAROUSEL_ALBUM');
    expect(snap.containers.find((c: any) => c.id === outcome.state.containerId).children).toEqual(outcome.state.data.children);
  });

  test('a container ending in ERROR is a permanent failure with the reason', async () => {
    const err = await runPlan(provider, makeCtx({ text: 'broken [sandbox:error]' })).catch((e) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err).toMatchObject({ kind: 'permanent', code: 'container_error' });
    expect(err.message).toMatch(/2207082/);
  });

  test('publishing limit: Meta at the limit → rate_limited; our own quota hold too', async () => {
    const tight = await startSandbox({ meta: { publishingLimit: 1 } });
    try {
      const p = providerFor(tight, { rateLimitWaitMs: 12_345 });
      token = (await connect(p)).accessToken;
      expect((await runPlan(p, makeCtx())).outcome.type).toBe('published');
      const err = await p.publish.runStep('limit', makeCtx()).catch((e) => e);
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'content_publishing_limit', retryAfterMs: 12_345 });
    } finally { await tight.close(); }
    token = (await connect(provider)).accessToken;
    const ours = providerFor(sb, { publishingLimit: 1 });
    const quota = memoryQuota();
    await ours.publish.runStep('limit', makeCtx({ quota }));
    const err = await ours.publish.runStep('limit', makeCtx({ quota })).catch((e) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'publishing_limit' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
  });

  test('an expired token is auth; an uploaded file without public URL is permanent', async () => {
    const err = await provider.publish.runStep('limit', makeCtx({ account: { id: 'a', platformAccountId: IG, accessToken: 'EAAbad', metadata: {} } })).catch((e) => e);
    expect(err).toMatchObject({ kind: 'auth', code: '190' });
    const noUrl = await provider.publish.runStep('container', makeCtx({ media: [{ contentType: 'image/jpeg', open: () => { throw new Error('unused'); } }] })).catch((e) => e);
    expect(noUrl).toMatchObject({ kind: 'permanent', code: 'public_url_required' });
  });

  test('reconcile after a lost media_publish answer → applied with the media id; before publishing → not_applied', async () => {
    const ready = await runPlan(provider, makeCtx(), 'publish');
    expect(await provider.publish.reconcile('publish', ready.ctx)).toEqual({ type: 'not_applied' });
    await sb.control.addFault({ match: { method: 'POST', path: `/meta/v25.0/${IG}/media_publish` }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const lost = await provider.publish.runStep('publish', ready.ctx).catch((e) => e);
    expect(lost).toMatchObject({ kind: 'ambiguous' });
    const r = await provider.publish.reconcile('publish', ready.ctx);
    expect(r.type).toBe('applied');
    const snap = await sb.control.state('meta');
    expect(snap.media).toHaveLength(1);
    const state = (r as { state: PublishState }).state;
    expect(state.platformPostId).toBe(snap.media[0].id);
    const done = await provider.publish.runStep('permalink', { ...ready.ctx, state });
    expect(done).toMatchObject({ type: 'published', state: { permalink: snap.media[0].permalink } });
  });
});

describe('targets', () => {
  test('validateTarget: mentions, carousel size, public URL, formats, mediaType option', () => {
    const v = provider.validateTarget!;
    const base = { text: 'hi', hashtags: [], options: {} };
    expect(v({ ...base, media: [{ contentType: 'image/jpeg', url: 'https://x/a.jpg' }] })).toEqual([]);
    expect(v({ ...base, text: Array.from({ length: 21 }, (_, i) => `@u${i}`).join(' '), media: [{ contentType: 'image/jpeg', url: 'https://x/a.jpg' }] }).map((i) => i.rule)).toContain('max_mentions');
    expect(v({ ...base, options: { mediaType: 'CAROUSEL' }, media: [{ contentType: 'image/jpeg', url: 'https://x/a.jpg' }] }).map((i) => i.rule)).toContain('carousel_size');
    expect(v({ ...base, media: [{ contentType: 'image/jpeg', mediaId: 'm1' }] })).toEqual([expect.objectContaining({ field: 'media.0', rule: 'public_url_required' })]);
    expect(v({ ...base, media: [{ contentType: 'image/png', url: 'https://x/a.png' }] }).map((i) => i.rule)).toContain('media_type');
    expect(v({ ...base, options: { mediaType: 'STORY' }, media: [{ contentType: 'image/jpeg', url: 'https://x/a.jpg' }] }).map((i) => i.field)).toContain('options.mediaType');
    expect(provider.limits).toMatchObject({ maxTextLength: 2200, maxHashtags: 30, maxMentions: 20, minMedia: 1, maxMedia: 10 });
  });
});
