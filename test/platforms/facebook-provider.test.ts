// The Facebook Pages provider against the in-process Meta sandbox: connect (dialog scopes, long-lived token, one
// profile per Page over several /me/accounts answers with its Page token, a not-postable Page), text/link, photo
// (URL and uploaded bytes), multi-photo, video (chunked upload, resumed; file_url) and Reel publishing through plan + runStep, a user token refused by the Page,
// reconcile after a lost /feed, video finish and Reel finish answer, feed webhooks, comment reply/hide, insights.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { FACEBOOK_SCOPES } from '../../src/platforms/facebook/index.js';
import { PublishError, type ConnectedProfile, type MediaSource, type PlatformProvider, type PublishContext, type StepOutcome } from '../../src/platforms/provider.js';
import { startReceiver, startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { FACEBOOK_TEST_USER, facebookAt } from '../support/facebook.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';

const REDIRECT = 'https://herald.example/api/social/connect/facebook/callback';
const PAGE = FACEBOOK_TEST_USER.pages[0]!.id;

let sb: RunningSandbox;
let provider: PlatformProvider;
let userToken: string;
let profiles: ConnectedProfile[];
let pageToken: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

async function connect(p: PlatformProvider) {
  const url = p.oauth!.authorizeUrl({ state: 's1', redirectUri: REDIRECT });
  const res = await fetch(url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  return p.oauth!.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: REDIRECT });
}

beforeAll(async () => {
  // Two Pages per /me/accounts answer, so the three Pages take two answers.
  receiver = await startReceiver();
  sb = await startSandbox({ meta: { user: FACEBOOK_TEST_USER, pagesPerResponse: 2, webhook: { url: receiver.url }, videoProcessingMs: 60, videoChunkBytes: 16 * 1024 } });
  provider = facebookAt(sb.baseUrl, { webhookVerifyToken: 'verify-me', settleWindow: { windowMs: 0, recheckEveryMs: 0 }, pollIntervalMs: 20 });
});
afterAll(async () => { await sb.close(); await receiver.close(); });
beforeEach(async () => {
  await sb.control.reset();
  receiver.received.length = 0;
  const tokens = await connect(provider);
  userToken = tokens.accessToken;
  profiles = await provider.oauth!.fetchProfiles(tokens);
  pageToken = profiles.find((p) => p.platformAccountId === PAGE)!.credentials!.accessToken;
});

const photo = (name: string): MediaSource => ({ contentType: 'image/jpeg', url: `https://cdn.example/${name}.jpg` });
const storedVideo = (bytes: Buffer): MediaSource => ({
  contentType: 'video/mp4', sizeBytes: bytes.length,
  open: (range) => Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]),
});
const uploadedPhoto = (bytes: Buffer): MediaSource => ({
  contentType: 'image/png', sizeBytes: bytes.length,
  open: (range) => Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]),
});

let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}): PublishContext {
  return {
    targetId: `target-${++seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: PAGE, accessToken: pageToken, metadata: {} },
    text: `Fresh bread today ${seq} ${Date.now()}`, hashtags: [], media: [], options: {},
    state: { data: {} }, progress: undefined, heartbeat: () => {}, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    ...over,
  };
}

async function runPlan(ctx: PublishContext, until?: string): Promise<{ outcome: StepOutcome; ctx: PublishContext; steps: string[] }> {
  const plan = provider.publish.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) })) });
  let outcome: StepOutcome = { type: 'continue', state: ctx.state };
  for (const step of plan) {
    if (step.name === until) break;
    for (let i = 0; ; i++) {
      outcome = await provider.publish.runStep(step.name, ctx);
      ctx = { ...ctx, state: outcome.state };
      if (outcome.type !== 'pending') break;
      if (i > 200) throw new Error(`${step.name} never finished`);
      await new Promise((r) => setTimeout(r, outcome.type === 'pending' ? outcome.pollAfterMs : 0));
    }
    if (outcome.type === 'published') break;
  }
  return { outcome, ctx, steps: plan.map((s) => `${s.name}:${s.kind}`) };
}

const metaState = async () => sb.control.state('meta');

describe('connect', () => {
  test('the dialog asks for the Pages scopes', () => {
    const u = new URL(provider.oauth!.authorizeUrl({ state: 'abc', redirectUri: REDIRECT }));
    expect(u.pathname).toBe('/meta/v25.0/dialog/oauth');
    expect(u.searchParams.get('scope')!.split(',')).toEqual(FACEBOOK_SCOPES);
  });

  test('one profile per Page across paged /me/accounts answers, each with its own Page token and no expiry', async () => {
    expect(profiles.map((p) => p.platformAccountId)).toEqual(FACEBOOK_TEST_USER.pages.map((p) => p.id));
    const tokens = new Set(profiles.map((p) => p.credentials?.accessToken));
    expect(tokens.size).toBe(3);
    expect(tokens.has(userToken)).toBe(false);
    for (const p of profiles) expect(p.credentials!.expiresAt).toBeUndefined();
    expect(profiles[0]!.metadata).toMatchObject({ category: 'Bakery', tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] });
    expect(profiles[0]!.missingScopes).toEqual([]);
    expect(profiles[0]!.notPostableReason).toBeUndefined();
    const requests = await sb.control.requests('?platform=meta');
    expect(requests.filter((r: { path: string }) => r.path.startsWith('/meta/v25.0/me/accounts'))).toHaveLength(2);
  });

  test('a Page without CREATE_CONTENT is listed with a reason, and the sandbox refuses its posts', async () => {
    const moderated = profiles.find((p) => p.platformAccountId === FACEBOOK_TEST_USER.pages[2]!.id)!;
    expect(moderated.notPostableReason).toMatch(/CREATE_CONTENT/);
    const ctx = makeCtx({ account: { id: 'acc-3', platformAccountId: moderated.platformAccountId, accessToken: moderated.credentials!.accessToken, metadata: {} } });
    await expect(runPlan(ctx)).rejects.toMatchObject({ kind: 'permanent', code: '200' });
  });

  test('revoke ends the login: its Page tokens stop working', async () => {
    await provider.oauth!.revoke({ accessToken: userToken });
    await expect(runPlan(makeCtx())).rejects.toMatchObject({ kind: 'auth' });
  });
});

describe('publishing', () => {
  test('a text post with a link is one /feed post', async () => {
    const { outcome, ctx, steps } = await runPlan(makeCtx({ options: { link: 'https://bakery.example/menu' } }));
    expect(steps).toEqual(['begin:prepare', 'feed:commit']);
    expect(outcome.type).toBe('published');
    const posts = (await metaState()).pagePosts;
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ id: ctx.state.platformPostId, pageId: PAGE, message: ctx.text, link: 'https://bakery.example/menu', photoIds: [] });
  });

  test('a single photo by URL is one /photos post; its post id is the target id', async () => {
    const { ctx, steps } = await runPlan(makeCtx({ media: [photo('loaf')] }));
    expect(steps).toEqual(['begin:prepare', 'photo:commit']);
    const s = await metaState();
    expect(s.pagePhotos).toHaveLength(1);
    expect(s.pagePhotos[0]).toMatchObject({ published: true, source: { url: 'https://cdn.example/loaf.jpg' }, postId: ctx.state.platformPostId });
    expect(s.pagePosts).toEqual([expect.objectContaining({ id: ctx.state.platformPostId, message: ctx.text, photoIds: [s.pagePhotos[0].id] })]);
  });

  test('an uploaded photo goes as multipart bytes', async () => {
    const bytes = Buffer.from('\x89PNG\r\n\x1a\n sandbox photo bytes');
    await runPlan(makeCtx({ media: [uploadedPhoto(bytes)] }));
    const { createHash } = await import('node:crypto');
    expect((await metaState()).pagePhotos[0].source).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  test('several photos: each uploaded unpublished, then one /feed post attaching them all', async () => {
    const { ctx, steps } = await runPlan(makeCtx({ media: [photo('a'), photo('b'), photo('c')] }));
    expect(steps).toEqual(['begin:prepare', 'photos:prepare', 'feed:commit']);
    const s = await metaState();
    expect(s.pagePosts).toHaveLength(1);
    expect(s.pagePosts[0].photoIds).toEqual(ctx.state.data.photoIds);
    expect(s.pagePhotos.map((p: { published: boolean; postId: string }) => [p.published, p.postId])).toEqual(Array(3).fill([true, ctx.state.platformPostId]));
  });

  test('an uploaded video is a Page video: a chunked upload session on graph-video, finish, then published once processed', async () => {
    const bytes = Buffer.from(Array.from({ length: 40 * 1024 }, (_, i) => i % 251));
    const { outcome, ctx, steps } = await runPlan(makeCtx({ media: [storedVideo(bytes)] }));
    expect(steps).toEqual(['videoStart:prepare', 'videoTransfer:transfer', 'videoFinish:commit', 'videoStatus:await']);
    expect(outcome.type).toBe('published');
    const { createHash } = await import('node:crypto');
    const videos = (await metaState()).pageVideos;
    expect(videos).toHaveLength(1);
    expect(videos[0]).toMatchObject({
      id: ctx.state.platformPostId, kind: 'video', description: ctx.text,
      // 40 KiB in the sandbox's 16 KiB chunks: three transfer calls.
      upload: { complete: true, bytes: bytes.length, requests: 3, sha256: createHash('sha256').update(bytes).digest('hex') },
      status: { video_status: 'ready', publishing_phase: { status: 'complete' } },
    });
    const transfers = await sb.control.requests(`?method=POST&path=/meta/graph-video/v25.0/${PAGE}/videos`);
    expect(transfers).toHaveLength(5);
  });

  test('a transfer retried after two chunks resumes from the heartbeat, not from 0', async () => {
    const bytes = Buffer.alloc(40 * 1024, 3);
    let ctx = makeCtx({ media: [storedVideo(bytes)] });
    ctx = { ...ctx, state: (await provider.publish.runStep('videoStart', ctx)).state };
    const beats: unknown[] = [];
    // The worker goes away after the second chunk was acknowledged.
    const stop = new AbortController();
    const heartbeat = (p: unknown) => { beats.push(p); if (beats.length === 2) stop.abort(); };
    await expect(provider.publish.runStep('videoTransfer', { ...ctx, heartbeat, signal: stop.signal })).rejects.toMatchObject({ kind: 'transient' });
    expect(beats.at(-1)).toEqual([32768, 40960]);
    await provider.publish.runStep('videoTransfer', { ...ctx, progress: beats.at(-1) as never });
    expect((await metaState()).pageVideos[0].upload).toMatchObject({ complete: true, requests: 3 });
    // Chunks 1 and 2 once each, then only chunk 3 again.
    const chunkCalls = await sb.control.requests(`?method=POST&path=/meta/graph-video/v25.0/${PAGE}/videos`);
    expect(chunkCalls).toHaveLength(4);
  });

  test('a video with a URL is one file_url call', async () => {
    const { outcome, ctx, steps } = await runPlan(makeCtx({ media: [{ contentType: 'video/mp4', url: 'https://cdn.example/film.mp4' }] }));
    expect(steps).toEqual(['videoFromUrl:commit', 'videoStatus:await']);
    expect(outcome.type).toBe('published');
    expect((await metaState()).pageVideos).toEqual([expect.objectContaining({ id: ctx.state.platformPostId, kind: 'video', upload: expect.objectContaining({ fileUrl: 'https://cdn.example/film.mp4' }) })]);
  });

  test('a video whose finish answer was lost: reconcile reads the video status', async () => {
    const { ctx } = await runPlan(makeCtx({ media: [storedVideo(Buffer.alloc(1000, 1))] }), 'videoFinish');
    expect(await provider.publish.reconcile('videoFinish', ctx)).toEqual({ type: 'not_applied' });
    await sb.control.addFault({ match: { method: 'POST', path: `/meta/graph-video/v25.0/${PAGE}/videos` }, action: { type: 'drop_after_effect', mode: 'reset' }, times: 1 });
    await expect(provider.publish.runStep('videoFinish', ctx)).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(await provider.publish.reconcile('videoFinish', ctx)).toEqual({ type: 'applied', state: expect.objectContaining({ platformPostId: ctx.state.data.videoId }) });
  });

  test('mediaType REELS makes an uploaded video a Reel: start, bytes to rupload, finish PUBLISHED, then published once processed', async () => {
    const bytes = Buffer.alloc(64 * 1024, 7);
    const { outcome, ctx, steps } = await runPlan(makeCtx({ media: [storedVideo(bytes)], options: { mediaType: 'REELS' } }));
    expect(steps).toEqual(['reelLimit:prepare', 'reelStart:prepare', 'reelUpload:transfer', 'reelFinish:commit', 'reelStatus:await']);
    expect(outcome.type).toBe('published');
    const { createHash } = await import('node:crypto');
    const videos = (await metaState()).pageVideos;
    expect(videos).toHaveLength(1);
    expect(videos[0]).toMatchObject({
      id: ctx.state.platformPostId, kind: 'reel', description: ctx.text, upload: { complete: true, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
      status: { video_status: 'ready', publishing_phase: { status: 'complete' } },
    });
  });

  test('a video with a URL is handed to rupload as file_url', async () => {
    await runPlan(makeCtx({ media: [{ contentType: 'video/mp4', url: 'https://cdn.example/clip.mp4' }], options: { mediaType: 'REELS' } }));
    expect((await metaState()).pageVideos[0].upload).toMatchObject({ complete: true, fileUrl: 'https://cdn.example/clip.mp4' });
  });

  test('a Reel whose finish answer was lost: reconcile reads the video status (not_started before, applied after)', async () => {
    const media = [{ contentType: 'video/mp4', url: 'https://cdn.example/lost.mp4' }];
    const { ctx } = await runPlan(makeCtx({ media, options: { mediaType: 'REELS' } }), 'reelFinish');
    expect(await provider.publish.reconcile('reelFinish', ctx)).toEqual({ type: 'not_applied' });
    await sb.control.addFault({ match: { method: 'POST', path: `/meta/v25.0/${PAGE}/video_reels` }, action: { type: 'drop_after_effect', mode: 'reset' }, times: 1 });
    await expect(provider.publish.runStep('reelFinish', ctx)).rejects.toMatchObject({ kind: 'ambiguous' });
    expect(await provider.publish.reconcile('reelFinish', ctx)).toEqual({ type: 'applied', state: expect.objectContaining({ platformPostId: ctx.state.data.videoId }) });
  });

  test('a Reel Facebook fails to process ends permanent with its reason', async () => {
    const { ctx } = await runPlan(makeCtx({ media: [{ contentType: 'video/mp4', url: 'https://cdn.example/bad.mp4' }], options: { mediaType: 'REELS' }, text: 'broken [sandbox:error]' }), 'reelStatus');
    await new Promise((r) => setTimeout(r, 100));
    await expect(provider.publish.runStep('reelStatus', ctx)).rejects.toMatchObject({ kind: 'permanent', code: 'reel_failed' });
  });

  test('the user token cannot publish to the Page', async () => {
    const ctx = makeCtx();
    await expect(runPlan({ ...ctx, account: { ...ctx.account, accessToken: userToken } })).rejects.toMatchObject({ kind: 'permanent', code: '200' });
    expect((await metaState()).pagePosts).toHaveLength(0);
  });

  test('the same message twice is refused for good (#506)', async () => {
    const text = `Same words ${Date.now()}`;
    await runPlan(makeCtx({ text }));
    const err = await runPlan(makeCtx({ text })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err).toMatchObject({ kind: 'permanent', code: '506' });
  });

  test('a /feed answer lost after the post was made: ambiguous, and reconcile finds that one post', async () => {
    await sb.control.addFault({ match: { method: 'POST', path: `/meta/v25.0/${PAGE}/feed` }, action: { type: 'drop_after_effect', mode: 'reset' }, times: 1 });
    let ctx = makeCtx();
    ctx = { ...ctx, state: (await provider.publish.runStep('begin', ctx)).state };
    await expect(provider.publish.runStep('feed', ctx)).rejects.toMatchObject({ kind: 'ambiguous' });
    const found = await provider.publish.reconcile('feed', ctx);
    const posts = (await metaState()).pagePosts;
    expect(posts).toHaveLength(1);
    expect(found).toEqual({ type: 'applied', state: expect.objectContaining({ platformPostId: posts[0].id }) });
  });

  test('reconcile answers not_applied when the post is not there', async () => {
    let ctx = makeCtx();
    ctx = { ...ctx, state: (await provider.publish.runStep('begin', ctx)).state };
    expect(await provider.publish.reconcile('feed', ctx)).toEqual({ type: 'not_applied' });
  });
});

describe('validation', () => {
  test('videos among photos, unknown options, bad links and empty posts are refused naming the field and rule', () => {
    const v = provider.validateTarget!;
    expect(v({ text: 'x', hashtags: [], media: [{ contentType: 'image/jpeg' }, { contentType: 'video/mp4' }], options: {} })).toEqual([expect.objectContaining({ field: 'media.1', rule: 'video_alone' })]);
    expect(v({ text: 'x', hashtags: [], media: [{ contentType: 'image/jpeg' }], options: { mediaType: 'REELS' } })).toEqual([expect.objectContaining({ field: 'media', rule: 'single_video' })]);
    expect(v({ text: 'x', hashtags: [], media: [{ contentType: 'video/mp4' }], options: { mediaType: 'STORY' } })).toEqual([expect.objectContaining({ field: 'options.mediaType', rule: 'enum' })]);
    expect(v({ text: 'x', hashtags: [], media: [{ contentType: 'video/mp4' }], options: { mediaType: 'REELS' } })).toEqual([]);
    expect(v({ text: 'x', hashtags: [], media: [{ contentType: 'video/mp4' }], options: {} })).toEqual([]);
    expect(v({ text: 'x', hashtags: [], media: [], options: { link: 'ftp://x' } })).toEqual([expect.objectContaining({ field: 'options.link', rule: 'url' })]);
    expect(v({ text: 'x', hashtags: [], media: [], options: { privacy: 'SELF' } })).toEqual([expect.objectContaining({ field: 'options.privacy', rule: 'unknown_option' })]);
    expect(v({ text: ' ', hashtags: [], media: [], options: {} })).toEqual([expect.objectContaining({ field: 'content', rule: 'required' })]);
    expect(v({ text: 'x', hashtags: [], media: [{ contentType: 'image/jpeg' }, { contentType: 'image/png' }], options: {} })).toEqual([]);
  });
});

describe('comments, webhooks and insights', () => {
  test('a comment on a Page post arrives as a signed feed webhook, parsed as a comment; reply and hide reach the sandbox', async () => {
    const { ctx } = await runPlan(makeCtx());
    const postId = ctx.state.platformPostId!;
    const made = await sb.control.call('POST', '/meta/page-comments', { postId, comments: [{ message: 'Looks tasty', name: 'Ann' }] });
    expect(made.status).toBe(201);
    const delivery = await waitFor(() => receiver.received[0], 5_000, 'the feed webhook');
    const req = { rawBody: delivery.rawBody, headers: delivery.headers as Record<string, string>, query: {} };
    expect(provider.webhooks!.verify(req, new Date())).toEqual({ ok: true });
    const [event] = provider.webhooks!.parse(req);
    expect(event).toMatchObject({ kind: 'comment', eventType: 'feed.comment.add', platformAccountId: PAGE,
      comment: { commentId: made.body.comments[0], mediaId: postId, text: 'Looks tasty', authorUsername: 'Ann' } });
    expect(provider.webhooks!.verify({ ...req, rawBody: Buffer.concat([delivery.rawBody, Buffer.from(' ')]) }, new Date()).ok).toBe(false);

    const cctx = { accessToken: pageToken, platformAccountId: PAGE };
    const { id } = await provider.comments!.reply(cctx, event!.comment!.commentId, 'Thank you!');
    await provider.comments!.setHidden(cctx, event!.comment!.commentId, true);
    const comments = (await metaState()).pageComments;
    expect(comments).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: event!.comment!.commentId, hidden: true }),
      expect.objectContaining({ id, parentId: event!.comment!.commentId, message: 'Thank you!' }),
    ]));
  });

  test('the subscription handshake answers the challenge only for the verify token', () => {
    expect(provider.webhooks!.handshake!({ 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 'verify-me' })).toBe('42');
    expect(provider.webhooks!.handshake!({ 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 'nope' })).toBeUndefined();
  });

  test('post metrics and Page daily insights with the current metric names', async () => {
    const { ctx } = await runPlan(makeCtx());
    await sb.control.call('POST', '/meta/page-comments', { postId: ctx.state.platformPostId, comments: [{ message: 'one' }, { message: 'two' }] });
    const ictx = { accessToken: pageToken, platformAccountId: PAGE, quota: memoryQuota() };
    const [m] = await provider.insights!.fetchPostMetrics(ictx, [{ targetId: 't1', platformPostId: ctx.state.platformPostId! }]);
    const post: any = await (await fetch(`${sb.baseUrl}/meta/v25.0/${ctx.state.platformPostId}/insights?metric=post_media_view,post_total_media_view_unique`, { headers: { authorization: `Bearer ${pageToken}` } })).json();
    expect(m).toEqual({ targetId: 't1', comments: 2, likes: expect.any(Number), shares: expect.any(Number), views: post.data[0].values[0].value, reach: post.data[1].values[0].value });
    const days = await provider.insights!.fetchAccountInsights({ ...ictx, since: new Date(Date.now() - 3 * 86_400_000) });
    expect(days.length).toBeGreaterThanOrEqual(3);
    expect(days.at(-1)).toMatchObject({ followers: expect.any(Number), profileViews: null });
    expect(days.slice(0, -1).every((d) => typeof d.reach === 'number')).toBe(true);
    const old = await fetch(`${sb.baseUrl}/meta/v25.0/${PAGE}/insights?metric=page_impressions`, { headers: { authorization: `Bearer ${pageToken}` } });
    expect(((await old.json()) as { error: { code: number } }).error.code).toBe(100);
  });
});
