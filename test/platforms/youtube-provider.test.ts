// The YouTube provider against the in-process YouTube sandbox, below the workflows: Google OAuth with offline access
// (refresh tokens that do not rotate; invalid_grant naming the Testing app's 7-day expiry), the channel as the
// profile, target rules by field, the resumable upload step by step (the session URI only in the target's secrets),
// reconciling a lost final chunk from the session or, with the session gone, from the channel's uploads (or
// `unknown`), the daily quota held per Pacific day, and statistics as numbers.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OAuthError, PublishError, type PlatformProvider, type PublishContext, type StepOutcome, type TokenSet } from '../../src/platforms/provider.js';
import { YOUTUBE_SCOPES } from '../../src/platforms/youtube/index.js';
import { finalChunkStart } from '../../src/platforms/youtube/publish.js';
import { SESSION_SECRET } from '../../src/platforms/youtube/session.js';
import { DEFAULT_YOUTUBE_CHANNEL, YOUTUBE_SANDBOX_CLIENT_ID } from '../../src/sandbox/platforms/youtube/index.js';
import { startSandbox, withSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { writeRandomFile, type RandomFile } from '../support/random-file.js';
import { youtubeAt } from '../support/youtube.js';

const REDIRECT = 'https://herald.example/api/social/connect/youtube/callback';
const KIB256 = 256 * 1024;
let sb: RunningSandbox;
let provider: PlatformProvider;
let tokens: TokenSet;
let file: RandomFile;

async function connect(p: PlatformProvider, on: RunningSandbox = sb): Promise<TokenSet> {
  const res = await fetch(p.oauth!.authorizeUrl({ state: 's1', redirectUri: REDIRECT }), { redirect: 'manual' });
  expect(res.status, `${on.baseUrl}`).toBe(302);
  const back = new URL(res.headers.get('location')!);
  return p.oauth!.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: REDIRECT });
}

beforeAll(async () => {
  sb = await startSandbox({ youtube: { processingMs: 100 } });
  provider = youtubeAt(sb.baseUrl, { chunkBytes: KIB256, processingPollMs: 50 });
  file = await writeRandomFile(KIB256 * 2 + 5000);
});
afterAll(async () => {
  await sb.close();
  await file.remove();
});
beforeEach(async () => {
  await sb.control.reset();
  tokens = await connect(provider);
});

let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}): PublishContext {
  seq += 1;
  return {
    targetId: `target-${seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: DEFAULT_YOUTUBE_CHANNEL.id, accessToken: tokens.accessToken, metadata: {} },
    text: `A video from Herald ${seq}`, hashtags: [], media: [file.media()], options: { title: `Herald video ${seq} ${Date.now()}` },
    state: { data: {} }, progress: undefined, heartbeat: () => {}, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    ...over,
  };
}

async function run(step: string, ctx: PublishContext): Promise<PublishContext> {
  for (let i = 0; ; i++) {
    const outcome: StepOutcome = await provider.publish.runStep(step, ctx);
    ctx = { ...ctx, state: outcome.state };
    if (outcome.type !== 'pending') return ctx;
    if (i > 200) throw new Error(`${step} never finished`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const caught = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const videos = async () => (await sb.control.state('youtube')).videos as { id: string; title: string; uploadStatus: string }[];

describe('login', () => {
  test('offline access with consent, upload + readonly scopes; the channel is the profile; refresh keeps the refresh token', async () => {
    const u = new URL(provider.oauth!.authorizeUrl({ state: 'abc', redirectUri: REDIRECT }));
    expect(u.pathname).toBe('/youtube/o/oauth2/v2/auth');
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ client_id: YOUTUBE_SANDBOX_CLIENT_ID, access_type: 'offline', prompt: 'consent', response_type: 'code', scope: YOUTUBE_SCOPES.join(' ') });
    expect(provider.oauth!.usesPkce).toBe(false);
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), scopes: YOUTUBE_SCOPES });
    expect((tokens.expiresAt!.getTime() - Date.now()) / 1000).toBeCloseTo(3599, -2);
    expect(await provider.oauth!.fetchProfiles(tokens)).toEqual([{ platformAccountId: DEFAULT_YOUTUBE_CHANNEL.id, displayName: DEFAULT_YOUTUBE_CHANNEL.title, metadata: { customUrl: DEFAULT_YOUTUBE_CHANNEL.customUrl } }]);
    const fresh = await provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! });
    expect(fresh.refreshToken).toBe(tokens.refreshToken);
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    await provider.oauth!.revoke({ accessToken: fresh.accessToken });
    const dead = await caught(provider.oauth!.refresh!({ refreshToken: tokens.refreshToken! }));
    expect(dead).toBeInstanceOf(OAuthError);
    expect(dead).toMatchObject({ kind: 'invalid_grant', code: 'invalid_grant' });
    expect((dead as Error).message).toMatch(/Testing status, whose refresh tokens expire after 7 days/);
  });
});

describe('target rules', () => {
  const draft = (options: Record<string, unknown>, text = 'the description', media = [{ contentType: 'video/mp4', mediaId: 'm1' }]) => ({ text, hashtags: [], media, options });
  test('title required, ≤ 100 characters, no < >; description ≤ 5,000 bytes; tags ≤ 500 as YouTube counts them; one video', () => {
    const v = provider.validateTarget!;
    expect(v(draft({ title: 'Fine', tags: ['a b', 'c'], privacy: 'unlisted', categoryId: '27', madeForKids: false }))).toEqual([]);
    expect(v(draft({}))).toEqual([expect.objectContaining({ field: 'options.title', rule: 'required' })]);
    expect(v(draft({ title: 'a <b>' }))).toEqual([expect.objectContaining({ field: 'options.title', rule: 'forbidden_characters' })]);
    expect(v(draft({ title: 'é'.repeat(101) }))).toEqual([expect.objectContaining({ field: 'options.title', rule: 'max_length' })]);
    expect(v(draft({ title: 'é'.repeat(100) }))).toEqual([]);
    // 2,500 two-byte characters are 5,000 bytes: fine; one more is over.
    expect(v(draft({ title: 't', description: 'é'.repeat(2500) }))).toEqual([]);
    expect(v(draft({ title: 't', description: 'é'.repeat(2501) }))).toEqual([expect.objectContaining({ field: 'options.description', rule: 'max_length' })]);
    expect(v(draft({ title: 't' }, 'é'.repeat(2501)))).toEqual([expect.objectContaining({ field: 'content', rule: 'max_length' })]);
    // 45 tags of 10 characters + 44 commas = 494. One more "abcde" (5 + a comma) makes exactly 500: fine; "a bc"
    // (4 + 2 quotes for its space + a comma) makes 501, and a 46th tag of 10 makes 505: over.
    const tens = Array.from({ length: 45 }, () => 'abcdefghij');
    expect(v(draft({ title: 't', tags: [...tens, 'abcde'] }))).toEqual([]);
    expect(v(draft({ title: 't', tags: [...tens, 'a bc'] }))).toEqual([expect.objectContaining({ field: 'options.tags', rule: 'max_length' })]);
    expect(v(draft({ title: 't', tags: [...tens, 'abcdefghij'] }))).toEqual([expect.objectContaining({ field: 'options.tags', rule: 'max_length' })]);
    expect(v(draft({ title: 't', privacy: 'friends' }))).toEqual([expect.objectContaining({ field: 'options.privacy', rule: 'enum' })]);
    expect(v(draft({ title: 't', shorts: true }))).toEqual([expect.objectContaining({ field: 'options.shorts', rule: 'unknown_option' })]);
    expect(v(draft({ title: 't' }, 'x', [{ contentType: 'image/png', mediaId: 'm' }]))).toEqual([expect.objectContaining({ field: 'media', rule: 'single_video' })]);
  });
});

describe('publishing', () => {
  test('session → upload → final chunk → processing: one video, every range once, the session URI only in secrets', async () => {
    let ctx = makeCtx({ options: { title: 'Step by step', tags: ['herald'], privacy: 'unlisted' } });
    const heartbeats: unknown[] = [];
    ctx = { ...ctx, heartbeat: (p) => heartbeats.push(p) };
    ctx = await run('session', ctx);
    const uri = await ctx.secrets.get(SESSION_SECRET);
    expect(uri).toMatch(/upload_id=/);
    ctx = await run('upload', ctx);
    const sessions = (await sb.control.state('youtube')).sessions;
    expect(sessions[0]).toMatchObject({ received: finalChunkStart(file.size), accepted: [[0, KIB256 - 1], [KIB256, 2 * KIB256 - 1]], videoId: null });
    ctx = await run('complete', ctx);
    expect(ctx.state.platformPostId).toEqual(expect.any(String));
    expect(ctx.state.permalink).toBe(`https://www.youtube.com/watch?v=${ctx.state.platformPostId}`);
    expect(await ctx.secrets.get(SESSION_SECRET)).toBeUndefined();
    const last = await run('processing', ctx);
    expect(last.state.platformPostId).toBe(ctx.state.platformPostId);
    expect(await videos()).toEqual([expect.objectContaining({ id: ctx.state.platformPostId, title: 'Step by step', uploadStatus: 'processed' })]);
    expect(JSON.stringify([ctx.state, heartbeats])).not.toContain(new URL(uri!).searchParams.get('upload_id')!);
  });

  test('a lost final chunk: the session says complete → applied; still 308 → not applied (and the next send completes the one video)', async () => {
    let ctx = await run('upload', await run('session', makeCtx()));
    const final = `bytes ${finalChunkStart(file.size)}-${file.size - 1}/${file.size}`;
    await sb.control.addFault({ match: { method: 'PUT', path: '/youtube/upload/youtube/v3/videos', header: { name: 'content-range', value: final } }, action: { type: 'drop_after_effect', mode: 'status', status: 503 } });
    expect(await caught(provider.publish.runStep('complete', ctx))).toMatchObject({ kind: 'ambiguous' });
    const applied = await provider.publish.reconcile('complete', ctx);
    expect(applied).toMatchObject({ type: 'applied', state: { platformPostId: (await videos())[0]!.id } });

    ctx = await run('upload', await run('session', makeCtx()));
    await sb.control.addFault({ match: { method: 'PUT', path: '/youtube/upload/youtube/v3/videos', header: { name: 'content-range', value: final } }, action: { type: 'status', status: 503 } });
    expect(await caught(provider.publish.runStep('complete', ctx))).toMatchObject({ kind: 'ambiguous' });
    expect(await provider.publish.reconcile('complete', ctx)).toEqual({ type: 'not_applied' });
    ctx = await run('complete', ctx);
    expect((await videos()).map((v) => v.id)).toEqual([applied.type === 'applied' ? applied.state.platformPostId : '', ctx.state.platformPostId]);
    const spec = provider.publish.plan({ options: {}, media: [{ contentType: 'video/mp4' }] }).find((s) => s.name === 'complete')!;
    expect(spec).toMatchObject({ kind: 'commit', absence: { kind: 'immediate' } });
  });

  test('with the session gone, a lost final chunk is looked for among the channel\'s uploads by title and description; not found is unknown', async () => {
    const ctx = await run('upload', await run('session', makeCtx()));
    const final = `bytes ${finalChunkStart(file.size)}-${file.size - 1}/${file.size}`;
    await sb.control.addFault({ match: { method: 'PUT', path: '/youtube/upload/youtube/v3/videos', header: { name: 'content-range', value: final } }, action: { type: 'drop_after_effect', mode: 'reset' } });
    expect(await caught(provider.publish.runStep('complete', ctx))).toMatchObject({ kind: 'ambiguous' });
    // The session expires (the sandbox's lifetime elapsed) before anyone asks it.
    await sb.control.call('POST', '/youtube/sessions/expire');
    const uri = await ctx.secrets.get(SESSION_SECRET);
    expect((await fetch(uri!, { method: 'PUT', headers: { 'content-range': `bytes */${file.size}` } })).status).toBe(404);
    expect(await provider.publish.reconcile('complete', ctx)).toMatchObject({ type: 'applied', state: { platformPostId: (await videos())[0]!.id } });

    // A session that expired before its final chunk made nothing: nothing is found, and nothing is guessed.
    const other = await run('upload', await run('session', makeCtx()));
    await sb.control.call('POST', '/youtube/sessions/expire');
    const unknown = await provider.publish.reconcile('complete', other);
    expect(unknown).toMatchObject({ type: 'unknown', evidence: expect.stringMatching(/none of the channel's 1 most recent uploads carries this title and description/) });
  });

  test('a session that expired before the final chunk is replaced: the upload starts over in a new session (its upload held too), one video', async () => {
    const quota = memoryQuota();
    let ctx = await run('session', makeCtx({ quota }));
    const first = await ctx.secrets.get(SESSION_SECRET);
    await sb.control.call('POST', '/youtube/sessions/expire');
    ctx = await run('upload', ctx);
    const second = await ctx.secrets.get(SESSION_SECRET);
    expect(second).not.toBe(first);
    expect(ctx.state.data.sessions).toBe(2);
    ctx = await run('complete', ctx);
    const sessions = (await sb.control.state('youtube')).sessions as { received: number; accepted: [number, number][]; videoId: string | null }[];
    expect(sessions.map((x) => [x.received, x.videoId])).toEqual([[0, null], [file.size, ctx.state.platformPostId]]);
    expect(sessions[1]!.accepted).toEqual([[0, KIB256 - 1], [KIB256, 2 * KIB256 - 1], [2 * KIB256, file.size - 1]]);
    expect(quota.holds.get(`youtube:uploads:${YOUTUBE_SANDBOX_CLIENT_ID}`)!.map((h) => h.id)).toEqual([`${ctx.targetId}:session:0`, `${ctx.targetId}:session:1`]);
    expect(await videos()).toHaveLength(1);
  });

  test('processing failure and rejection end the target with YouTube\'s reason as the code', async () => {
    await sb.control.call('POST', '/youtube/processing-outcomes', { uploadStatus: 'rejected', rejectionReason: 'duplicate' });
    const ctx = await run('complete', await run('upload', await run('session', makeCtx())));
    const err = await caught(run('processing', ctx));
    expect(err).toBeInstanceOf(PublishError);
    expect(err).toMatchObject({ kind: 'permanent', code: 'duplicate', message: expect.stringMatching(/rejectionReason duplicate/) });
  });

  test('the daily uploads are held per Pacific day across workers: at the limit the session waits until midnight Pacific and says so', async () => {
    const limited = youtubeAt(sb.baseUrl, { chunkBytes: KIB256, dailyUploads: 1 });
    const quota = memoryQuota();
    await limited.publish.runStep('session', makeCtx({ quota }));
    const err = await caught(limited.publish.runStep('session', makeCtx({ quota })));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'quotaExceeded', message: expect.stringMatching(/videos\.insert quota \(1 uploads\).*midnight Pacific Time/) });
    const wait = (err as PublishError).retryAfterMs!;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(25 * 3600_000);
    // The reset instant named is a Pacific midnight: 07:00 or 08:00 UTC.
    const named = /\((\d{4}-[^)]+Z)\)/.exec((err as Error).message)![1]!;
    expect([7, 8]).toContain(new Date(named).getUTCHours());
    // Google's own quotaExceeded (the project's quota used elsewhere) waits the same way.
    await withSandbox({ youtube: { dailyUploads: 0 } }, async (empty) => {
      const p = youtubeAt(empty.baseUrl, { chunkBytes: KIB256 });
      const t = await connect(p, empty);
      const e = await caught(p.publish.runStep('session', makeCtx({ account: { id: 'a', platformAccountId: 'c', accessToken: t.accessToken, metadata: {} } })));
      expect(e).toMatchObject({ kind: 'rate_limited', code: 'quotaExceeded', message: expect.stringMatching(/resets at midnight Pacific Time/) });
    });
  });
});

test('a thumbnail is set once the video is processed (its 50 units held); one that is not a JPEG or PNG fails saying the video is live', async () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(2000)]);
  const images: Record<string, { contentType: string; bytes: Buffer }> = {
    '6f1c6c55-3a31-4c2b-9a53-1d0d7c1c0001': { contentType: 'image/png', bytes: png },
    '6f1c6c55-3a31-4c2b-9a53-1d0d7c1c0002': { contentType: 'image/gif', bytes: png },
  };
  const mediaById = async (id: string) => {
    const i = images[id];
    return i ? { contentType: i.contentType, sizeBytes: i.bytes.length, open: () => Readable.from([i.bytes]) } : undefined;
  };
  const quota = memoryQuota();
  const withThumb = (thumbnail: string) => makeCtx({ options: { title: `thumb ${thumbnail}`, thumbnail }, mediaById, quota });
  const plan = provider.publish.plan({ options: { title: 't', thumbnail: 'x' }, media: [{ contentType: 'video/mp4' }] });
  expect(plan.map((step) => step.name)).toEqual(['session', 'upload', 'complete', 'processing', 'thumbnail']);
  let ctx = await run('processing', await run('complete', await run('upload', await run('session', withThumb('6f1c6c55-3a31-4c2b-9a53-1d0d7c1c0001')))));
  ctx = await run('thumbnail', ctx);
  expect((await sb.control.state('youtube')).videos.find((v: { id: string }) => v.id === ctx.state.platformPostId)).toMatchObject({ thumbnailSet: true });
  expect(quota.holds.get(`youtube:units:${YOUTUBE_SANDBOX_CLIENT_ID}`)).toHaveLength(50);
  const gif = await run('processing', await run('complete', await run('upload', await run('session', withThumb('6f1c6c55-3a31-4c2b-9a53-1d0d7c1c0002')))));
  expect(await caught(provider.publish.runStep('thumbnail', gif))).toMatchObject({ kind: 'permanent', code: 'thumbnail_invalid', message: expect.stringMatching(/the video is live at https:\/\/www\.youtube\.com\/watch/) });
  expect(provider.validateTarget!({ text: 't', hashtags: [], media: [{ contentType: 'video/mp4' }], options: { title: 't', thumbnail: 'not-an-id' } }))
    .toEqual([expect.objectContaining({ field: 'options.thumbnail', rule: 'format' })]);
});

describe('insights', () => {
  test('videos.list statistics (strings) become numbers; subscribers become followers', async () => {
    const ctx = await run('complete', await run('upload', await run('session', makeCtx())));
    const id = ctx.state.platformPostId!;
    await sb.control.call('PUT', `/youtube/videos/${id}/statistics`, { viewCount: 1500, likeCount: 21, commentCount: 4 });
    const insightsCtx = { accessToken: tokens.accessToken, platformAccountId: DEFAULT_YOUTUBE_CHANNEL.id, quota: memoryQuota() };
    expect(await provider.insights!.fetchPostMetrics(insightsCtx, [{ targetId: 't1', platformPostId: id }, { targetId: 't2', platformPostId: 'gone' }]))
      .toEqual([{ targetId: 't1', views: 1500, likes: 21, comments: 4 }]);
    expect(await provider.insights!.fetchAccountInsights({ ...insightsCtx, since: new Date() })).toEqual([{ day: new Date().toISOString().slice(0, 10), followers: DEFAULT_YOUTUBE_CHANNEL.subscriberCount }]);
  });
});
