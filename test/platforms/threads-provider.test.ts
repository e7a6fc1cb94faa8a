// The Threads provider against the in-process Threads sandbox: login (authorize window, code → short-lived →
// long-lived token, th_refresh_token refused before the token is 24 h old and after it expired), the profile,
// post rules (thread parts named by field), TEXT / IMAGE / CAROUSEL publishing and a thread published as a reply
// chain through plan + runStep, the publishing limit on both sides, reconcile after a lost threads_publish answer,
// insights, reply moderation and signed `replies` webhooks.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { THREADS_SCOPES } from '../../src/platforms/threads/index.js';
import { OAuthError, PublishError, type MediaSource, type PlatformProvider, type PublishContext, type StepOutcome, type WebhookRequest } from '../../src/platforms/provider.js';
import { DEFAULT_THREADS_USER, THREADS_SANDBOX_APP_ID, THREADS_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/threads/index.js';
import { startReceiver, startSandbox, waitFor, withSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { threadsAt } from '../support/threads.js';

const REDIRECT = 'https://herald.example/api/social/connect/threads/callback';
const USER = DEFAULT_THREADS_USER.id;

let sb: RunningSandbox;
let provider: PlatformProvider;
let token: string;

async function connect(p: PlatformProvider) {
  const res = await fetch(p.oauth!.authorizeUrl({ state: 's1', redirectUri: REDIRECT }), { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  if (back.searchParams.get('error')) throw new Error(back.searchParams.get('error')!);
  return p.oauth!.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: REDIRECT });
}

beforeAll(async () => {
  sb = await startSandbox({ threads: { videoProcessingMs: 60, imageProcessingMs: 30 } });
  provider = threadsAt(sb.baseUrl, { pollIntervalMs: 20, webhookVerifyToken: 'verify-me' });
});
afterAll(async () => { await sb.close(); });
beforeEach(async () => {
  await sb.control.reset();
  token = (await connect(provider)).accessToken;
});

const image = (name = 'a.jpg'): MediaSource => ({ contentType: 'image/jpeg', url: `https://cdn.example/${name}` });

let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}): PublishContext {
  return {
    targetId: `target-${++seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: USER, accessToken: token, metadata: {} },
    text: `Hello from Herald ${seq}`, hashtags: [], media: [], options: {},
    state: { data: {} }, progress: undefined, heartbeat: () => {}, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    ...over,
  };
}

/** Runs the plan like the workflow: await steps polled until they move on; stops before `until`. */
async function runPlan(p: PlatformProvider, ctx: PublishContext, until?: string): Promise<{ outcome: StepOutcome; ctx: PublishContext }> {
  const plan = p.publish.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType })) });
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

const state = async () => sb.control.state('threads') as Promise<{ containers: any[]; posts: any[]; grants: any[] }>;

describe('login', () => {
  test('the authorize URL is the Threads window with the five scopes, no PKCE; tokens need 24 h before renewal', () => {
    const u = new URL(provider.oauth!.authorizeUrl({ state: 'abc', redirectUri: REDIRECT }));
    expect(u.pathname).toBe('/threads/oauth/authorize');
    expect(u.searchParams.get('client_id')).toBe(THREADS_SANDBOX_APP_ID);
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('state')).toBe('abc');
    expect(u.searchParams.get('scope')!.split(',')).toEqual(THREADS_SCOPES);
    expect(provider.oauth!.usesPkce).toBe(false);
    expect(provider.oauth!.minTokenAgeBeforeRefreshMs).toBe(24 * 3600_000);
  });

  test('exchangeCode yields a long-lived token (~60 days); the profile is the one Threads account', async () => {
    const tokens = await connect(provider);
    const days = (tokens.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(59);
    expect(days).toBeLessThan(61);
    expect((await state()).grants.filter((g) => g.longLived)).toHaveLength(2);
    expect(await provider.oauth!.fetchProfiles(tokens)).toEqual([{
      platformAccountId: USER, displayName: DEFAULT_THREADS_USER.username,
      metadata: { username: DEFAULT_THREADS_USER.username, missingScopes: [] }, missingScopes: [],
    }]);
  });

  test('a used code is refused as invalid_grant', async () => {
    const res = await fetch(provider.oauth!.authorizeUrl({ state: 's', redirectUri: REDIRECT }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    await provider.oauth!.exchangeCode({ code, redirectUri: REDIRECT });
    await expect(provider.oauth!.exchangeCode({ code, redirectUri: REDIRECT })).rejects.toMatchObject({ name: 'OAuthError', kind: 'invalid_grant' });
  });

  test('th_refresh_token: refused for a token younger than 24 h, renewed once it is older, refused as invalid_grant once expired', async () => {
    const tokens = await connect(provider);
    const young = await provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! }).catch((e: unknown) => e);
    expect(young).toBeInstanceOf(OAuthError);
    expect((young as OAuthError).kind).toBe('permanent');
    expect((young as OAuthError).message).toMatch(/24 hours old/);

    expect((await sb.control.call('POST', '/threads/tokens', { ageSeconds: 25 * 3600 })).status).toBe(200);
    const renewed = await provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! });
    expect(renewed.accessToken).not.toBe(tokens.accessToken);
    expect((renewed.expiresAt!.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(59);

    await sb.control.call('POST', '/threads/tokens', { ageSeconds: 25 * 3600, expiresInSeconds: 0 });
    await expect(provider.oauth!.refresh!({ refreshToken: renewed.refreshToken! })).rejects.toMatchObject({ name: 'OAuthError', kind: 'invalid_grant' });
  });
});

describe('post rules', () => {
  const draft = (over: Record<string, unknown> = {}) => ({ text: 'hi', hashtags: [], media: [], options: {}, ...over });
  test('thread parts are checked like the post, each named by its field; link attachments only on text posts', () => {
    expect(provider.validateTarget!(draft({ options: { thread: ['ok', 'x'.repeat(501), ''] } }))).toEqual([
      { field: 'options.thread.1', rule: 'max_length', message: expect.stringContaining('500') },
      { field: 'options.thread.2', rule: 'required', message: expect.any(String) },
    ]);
    expect(provider.validateTarget!(draft({ options: { thread: 'no' } }))).toEqual([{ field: 'options.thread', rule: 'type', message: expect.any(String) }]);
    expect(provider.validateTarget!(draft({ media: [{ contentType: 'image/jpeg', url: 'https://x/a.jpg' }], options: { linkAttachment: 'https://herald.example' } })))
      .toEqual([{ field: 'options.linkAttachment', rule: 'text_only', message: expect.any(String) }]);
    expect(provider.validateTarget!(draft({ media: [{ contentType: 'image/jpeg', mediaId: 'm1' }] })))
      .toEqual([{ field: 'media.0', rule: 'public_url_required', message: expect.any(String) }]);
    expect(provider.validateTarget!(draft({ options: { thread: ['two', 'three'], linkAttachment: 'https://herald.example' } }))).toEqual([]);
    expect(provider.limits).toMatchObject({ maxTextLength: 500, minMedia: 0, maxMedia: 20 });
  });
});

describe('publishing', () => {
  test('a TEXT post with a link attachment: one container, one post with the text', async () => {
    const ctx = makeCtx({ options: { linkAttachment: 'https://herald.example/read' } });
    const { outcome } = await runPlan(provider, ctx);
    expect(outcome.type).toBe('published');
    const s = await state();
    expect(s.posts).toEqual([expect.objectContaining({ id: outcome.state.platformPostId, text: ctx.text, mediaType: 'TEXT_POST' })]);
    expect(outcome.state.permalink).toMatch(/^https:\/\/www\.threads\.net\/@sandbox_threads\/post\//);
    const created = await sb.control.requests(`?method=POST&path=/threads/v1.0/${USER}/threads`);
    expect(created.map((r) => r.body)).toEqual([expect.objectContaining({ media_type: 'TEXT', text: ctx.text, link_attachment: 'https://herald.example/read' })]);
  });

  test('an IMAGE post waits for its container and publishes once', async () => {
    const { outcome } = await runPlan(provider, makeCtx({ media: [image()] }));
    expect(outcome.type).toBe('published');
    expect((await state()).posts).toEqual([expect.objectContaining({ mediaType: 'IMAGE' })]);
  });

  test('a CAROUSEL of three: item containers, then the carousel, one post', async () => {
    const ctx = makeCtx({ media: [image('1.jpg'), image('2.jpg'), { contentType: 'video/mp4', url: 'https://cdn.example/v.mp4' }] });
    expect(provider.publish.plan({ options: {}, media: ctx.media }).map((s) => s.name))
      .toEqual(['limit', 'children', 'childrenStatus', 'container', 'containerStatus', 'publish', 'permalink']);
    const { outcome } = await runPlan(provider, ctx);
    expect(outcome.type).toBe('published');
    const s = await state();
    expect(s.containers.filter((c) => c.isCarouselItem).map((c) => c.mediaType)).toEqual(['IMAGE', 'IMAGE', 'VIDEO']);
    expect(s.posts).toEqual([expect.objectContaining({ mediaType: 'CAROUSEL_ALBUM', text: ctx.text })]);
  });

  test('a thread of three parts is a reply chain: each part replies to the one before', async () => {
    const ctx = makeCtx({ options: { thread: ['part two', 'part three'] } });
    const plan = provider.publish.plan({ options: ctx.options, media: [] });
    expect(plan.filter((s) => s.kind === 'commit').map((s) => s.name)).toEqual(['publish', 'part.1.publish', 'part.2.publish']);
    const { outcome } = await runPlan(provider, ctx);
    expect(outcome.type).toBe('published');
    const posts = (await state()).posts;
    const root = posts.find((p) => p.text === ctx.text)!;
    const two = posts.find((p) => p.text === 'part two')!;
    const three = posts.find((p) => p.text === 'part three')!;
    expect(posts).toHaveLength(3);
    expect(root.replyToId).toBeUndefined();
    expect(two).toMatchObject({ replyToId: root.id, rootId: root.id });
    expect(three).toMatchObject({ replyToId: two.id, rootId: root.id });
    expect(outcome.state.platformPostId).toBe(root.id);
    expect(outcome.state.data.parts).toMatchObject({ 1: { postId: two.id }, 2: { postId: three.id } });
  });

  test('the publishing limit: Herald\'s hold and Threads\' own count both stop a post as rate_limited', async () => {
    await withSandbox({ threads: { publishingLimit: 1 } }, async (other) => {
      const p = threadsAt(other.baseUrl, { pollIntervalMs: 20 });
      token = (await connect(p)).accessToken;
      expect((await runPlan(p, makeCtx())).outcome.type).toBe('published');
      // Threads counts the first post: threads_publishing_limit reads 1/1.
      const err = await p.publish.runStep('limit', makeCtx()).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PublishError', kind: 'rate_limited', code: 'threads_publishing_limit' });
      // And threads_publish itself refuses past the limit (code 4 by default) as rate_limited, nothing posted.
      let ctx = makeCtx();
      for (const step of ['container', 'containerStatus']) ctx = { ...ctx, state: (await p.publish.runStep(step, ctx)).state };
      await expect(p.publish.runStep('publish', ctx)).rejects.toMatchObject({ name: 'PublishError', kind: 'rate_limited', code: '4' });
      expect((await other.control.state('threads')).posts).toHaveLength(1);
    });
    token = (await connect(provider)).accessToken;
    const quota = memoryQuota();
    const small = threadsAt(sb.baseUrl, { publishingLimit: 1 });
    await small.publish.runStep('limit', makeCtx({ quota, targetId: 'a' }));
    await expect(small.publish.runStep('limit', makeCtx({ quota, targetId: 'b' }))).rejects.toMatchObject({ kind: 'rate_limited', code: 'publishing_limit' });
  });
  test('threads_publish refusing a container that is not ready (24/4279009) is transient: nothing was published', async () => {
    await withSandbox({ threads: { videoProcessingMs: 600_000 } }, async (other) => {
      const p = threadsAt(other.baseUrl);
      token = (await connect(p)).accessToken;
      const ctx = makeCtx({ media: [{ contentType: 'video/mp4', url: 'https://cdn.example/v.mp4' }] });
      const made = await p.publish.runStep('container', ctx);
      const err = await p.publish.runStep('publish', { ...ctx, state: made.state }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'PublishError', kind: 'transient', code: '24/4279009' });
      expect((await other.control.state('threads')).posts).toEqual([]);
    });
  });
});

describe('reconcile', () => {
  test('a lost threads_publish answer: the container reads PUBLISHED and the post is found by its text', async () => {
    const { ctx } = await runPlan(provider, makeCtx(), 'publish');
    await sb.control.addFault({ match: { method: 'POST', path: `/threads/v1.0/${USER}/threads_publish` }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const err = await provider.publish.runStep('publish', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).kind).toBe('ambiguous');
    const rec = await provider.publish.reconcile('publish', ctx);
    const posts = (await state()).posts;
    expect(posts).toHaveLength(1);
    expect(rec).toEqual({ type: 'applied', state: expect.objectContaining({ platformPostId: posts[0].id }) });
  });

  test('a thread part whose publish never arrived is not applied; one that did is found among the replies', async () => {
    const options = { thread: ['second'] };
    const { ctx } = await runPlan(provider, makeCtx({ options }), 'part.1.publish');
    expect(await provider.publish.reconcile('part.1.publish', ctx)).toEqual({ type: 'not_applied' });
    await provider.publish.runStep('part.1.publish', ctx);
    const rec = await provider.publish.reconcile('part.1.publish', ctx);
    const reply = (await state()).posts.find((p) => p.text === 'second');
    expect(rec).toEqual({ type: 'applied', state: expect.objectContaining({ data: expect.objectContaining({ parts: { 1: expect.objectContaining({ postId: reply.id }) } }) }) });
  });
});

describe('insights and replies', () => {
  test('post metrics map views, likes, replies and shares; followers come from threads_insights', async () => {
    const { outcome } = await runPlan(provider, makeCtx());
    const id = outcome.state.platformPostId!;
    await sb.control.call('PUT', `/threads/posts/${id}/insights`, { views: 40, likes: 7, shares: 2, reposts: 3, quotes: 1 });
    await sb.control.call('POST', '/threads/replies', { postId: id, replies: [{ text: 'a' }, { text: 'b' }] });
    const ictx = { accessToken: token, platformAccountId: USER, quota: memoryQuota() };
    expect(await provider.insights!.fetchPostMetrics(ictx, [{ targetId: 't1', platformPostId: id }]))
      .toEqual([{ targetId: 't1', views: 40, likes: 7, comments: 2, shares: 2 }]);
    expect(await provider.insights!.fetchAccountInsights({ ...ictx, since: new Date() })).toEqual([{ day: new Date().toISOString().slice(0, 10), followers: 120 }]);
  });

  test('reply and hide a reply through the comments provider', async () => {
    const { outcome } = await runPlan(provider, makeCtx());
    const { body } = await sb.control.call('POST', '/threads/replies', { postId: outcome.state.platformPostId, replies: [{ text: 'nice', username: 'fan' }] });
    const replyId = body.replies[0] as string;
    const cctx = { accessToken: token, platformAccountId: USER };
    const { id } = await provider.comments!.reply(cctx, replyId, 'thanks!');
    await provider.comments!.setHidden(cctx, replyId, true);
    const posts = (await state()).posts;
    expect(posts.find((p) => p.id === id)).toMatchObject({ text: 'thanks!', replyToId: replyId });
    expect(posts.find((p) => p.id === replyId)).toMatchObject({ hidden: true });
  });

  test('a signed replies webhook from the sandbox verifies and parses to a comment on the post', async () => {
    const receiver = await startReceiver();
    await withSandbox({ threads: { webhook: { url: receiver.url } } }, async (other) => {
      const p = threadsAt(other.baseUrl, { pollIntervalMs: 20 });
      token = (await connect(p)).accessToken;
      const { outcome } = await runPlan(p, makeCtx());
      await other.control.call('POST', '/threads/replies', { postId: outcome.state.platformPostId, replies: [{ text: 'great thread', username: 'reader' }] });
      const got = await waitFor(() => receiver.received[0]);
      const req: WebhookRequest = { rawBody: got.rawBody, headers: got.headers, query: {} };
      expect(p.webhooks!.verify(req, new Date())).toEqual({ ok: true });
      expect(p.webhooks!.verify({ ...req, headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'wrong').update(got.rawBody).digest('hex')}` } }, new Date()).ok).toBe(false);
      const [event] = p.webhooks!.parse(req);
      expect(event).toMatchObject({
        kind: 'comment', eventType: 'replies', platformAccountId: USER,
        comment: { mediaId: outcome.state.platformPostId, authorUsername: 'reader', text: 'great thread' },
      });
    });
    await receiver.close();
    expect(provider.webhooks!.handshake!({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '42' })).toBe('42');
    expect(THREADS_SANDBOX_APP_SECRET).not.toBe('');
  });
});
