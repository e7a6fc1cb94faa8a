// The TikTok provider's publish steps against the in-process sandbox: each plan end to end, the chunked upload with
// resume and re-init, quotas, error mapping from real answers, the status step (int64 post ids kept exact, inbox
// semantics, failures) and reconcile after lost init answers.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTiktokProvider, type TiktokProviderOptions } from '../../src/platforms/tiktok/index.js';
import {
  PublishError, type Json, type MediaSource, type PlatformProvider, type PublishContext, type PublishState, type StepOutcome,
} from '../../src/platforms/provider.js';
import type { SandboxOptions } from '../../src/sandbox/app.js';
import { freePort, startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, DEFAULT_OPEN_ID, mintToken, MiB, sleep } from '../sandbox/tiktok-helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { writeRandomFile, type RandomFile } from '../support/random-file.js';

const VERIFIED = 'https://media.herald.example/tiktok/';
const CHUNK = 5 * MiB;
const FILE_SIZE = 30 * MiB + 12_345; // 6 chunks of 5 MiB, the last one absorbing the remainder
const CHUNKS = 6;

let sb: RunningSandbox;
let provider: PlatformProvider;
let file: RandomFile;
let fileSha256: string;
let token: string;

const sandboxOptions: SandboxOptions = {
  tiktok: { processingMs: 30, verifiedUrlPrefixes: [VERIFIED], pullVideoSizeBytes: 2_000_000, pullBytesPerSecond: 50_000_000 },
};

function providerFor(on: RunningSandbox, over: Partial<TiktokProviderOptions> = {}): PlatformProvider {
  return createTiktokProvider({
    clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, authBaseUrl: `${on.baseUrl}/tiktok`, apiBaseUrl: `${on.baseUrl}/tiktok`,
    verifiedUrlPrefixes: [VERIFIED], pollIntervalMs: 20, chunkSizeBytes: CHUNK, publicPostIdWaitMs: 3000, ...over,
  });
}

beforeAll(async () => {
  sb = await startSandbox(sandboxOptions);
  provider = providerFor(sb);
  file = await writeRandomFile(FILE_SIZE);
  fileSha256 = file.sha256;
});
afterAll(async () => {
  await sb.close();
  await file.remove();
});
beforeEach(async () => {
  await sb.control.reset();
  token = (await mintToken(sb)).access_token;
});

const fileMedia = (): MediaSource => file.media();
function bufferMedia(data: Buffer): MediaSource {
  return { contentType: 'video/mp4', sizeBytes: data.length, open: (range) => Readable.from([range ? data.subarray(range.start, range.end + 1) : data]) };
}
const urlMedia = (name = 'clip.mp4', contentType = 'video/mp4'): MediaSource => ({ contentType, url: `${VERIFIED}${name}` });

interface TestContext extends PublishContext {
  beats: Json[];
  quota: ReturnType<typeof memoryQuota>;
}

let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}): TestContext {
  const beats: Json[] = [];
  return {
    targetId: `target-${++seq}`,
    postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: DEFAULT_OPEN_ID, accessToken: token, metadata: {} },
    text: 'Hello from Herald #herald',
    hashtags: ['herald'],
    media: [fileMedia()],
    options: { privacyLevel: 'PUBLIC_TO_EVERYONE' },
    state: { data: {} },
    progress: undefined,
    heartbeat: (p) => { beats.push(p); },
    signal: new AbortController().signal,
    quota: memoryQuota(), secrets: memorySecrets(),
    beats,
    ...over,
  } as TestContext;
}

const planOf = (ctx: PublishContext, p = provider) =>
  p.publish.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) })) });

async function run(step: string, ctx: TestContext, p = provider): Promise<StepOutcome> {
  const out = await p.publish.runStep(step, ctx);
  ctx.state = out.state;
  return out;
}

/** Walks the plan the way the workflow does (no faults): the final state and the steps run. */
async function runPlan(ctx: TestContext, p = provider): Promise<{ state: PublishState; steps: string[] }> {
  const steps: string[] = [];
  for (const step of planOf(ctx, p)) {
    steps.push(step.name);
    for (;;) {
      const out = await run(step.name, ctx, p);
      if (out.type === 'published') return { state: out.state, steps };
      if (out.type === 'continue') break;
      await sleep(out.pollAfterMs);
    }
  }
  throw new Error('plan ended without publishing');
}

async function publishError(p: Promise<unknown>): Promise<PublishError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PublishError);
  return err as PublishError;
}

const putRequests = async () => (await sb.control.requests('?platform=tiktok&path=/tiktok/upload/video/')).filter((r) => r.method === 'PUT');
const publishes = async (on = sb) => (await on.control.state('tiktok')).publishes as any[];

describe('direct post, FILE_UPLOAD', () => {
  test('creator info, init, chunked upload, status: published with the exact 19-digit post id', async () => {
    const ctx = makeCtx();
    const { state, steps } = await runPlan(ctx);
    expect(steps).toEqual(['creatorInfo', 'init', 'upload', 'status']);

    const [remote] = await publishes();
    expect(remote).toMatchObject({ mode: 'direct', source: 'FILE_UPLOAD', status: 'PUBLISH_COMPLETE', video_size: FILE_SIZE, chunk_size: CHUNK, total_chunk_count: CHUNKS, sha256: fileSha256 });
    expect(remote.title).toBe('Hello from Herald #herald');
    expect(state.publishId).toBe(remote.publish_id);
    expect(state.platformPostId).toMatch(/^\d{19}$/);
    expect(state.platformPostId).toBe(remote.post_ids[0]); // exact: never through a JS number
    expect(state.permalink).toBe(`https://www.tiktok.com/@sandbox.creator/video/${state.platformPostId}`);
    expect(state.data).not.toHaveProperty('uploadUrl');
    expect(state.data).toMatchObject({ mode: 'direct', mediaType: 'VIDEO', source: 'FILE_UPLOAD', creatorUsername: 'sandbox.creator' });

    const puts = await putRequests();
    expect(puts.map((r) => r.headers['content-range'])).toEqual(Array.from({ length: CHUNKS }, (_, i) =>
      `bytes ${i * CHUNK}-${i === CHUNKS - 1 ? FILE_SIZE - 1 : (i + 1) * CHUNK - 1}/${FILE_SIZE}`));
    expect(puts.map((r) => r.status)).toEqual([206, 206, 206, 206, 206, 201]);
    expect(puts.at(-1)!.headers['content-length']).toBe(String(CHUNK + 12_345));
    expect(puts[0]!.headers.authorization).toBeUndefined();
    expect(ctx.beats).toEqual(Array.from({ length: CHUNKS }, (_, i) => ({ nextChunk: i + 1, publishId: remote.publish_id })));

    const [init] = await sb.control.requests('?path=/tiktok/v2/post/publish/video/init/');
    expect(init!.body).toEqual({
      post_info: {
        title: 'Hello from Herald #herald', privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false, disable_duet: false,
        disable_stitch: false, brand_content_toggle: false, brand_organic_toggle: false,
      },
      source_info: { source: 'FILE_UPLOAD', video_size: FILE_SIZE, chunk_size: CHUNK, total_chunk_count: CHUNKS },
    });
  });

  test('resumes after an interruption from TikTok\'s count: no chunk is sent twice', async () => {
    const ctx = makeCtx();
    await run('creatorInfo', ctx);
    await run('init', ctx);
    // The 3rd chunk lands, but its answer is lost (connection reset): the heartbeat still says nextChunk 2.
    await sb.control.addFault({
      match: { method: 'PUT', path: '/tiktok/upload/video/', header: { name: 'content-range', value: `bytes ${2 * CHUNK}-${3 * CHUNK - 1}/${FILE_SIZE}` } },
      action: { type: 'drop_after_effect', mode: 'reset' },
    });
    const err = await publishError(run('upload', ctx));
    expect(err.kind).toBe('transient');
    expect(ctx.beats.at(-1)).toEqual({ nextChunk: 2, publishId: ctx.state.publishId });

    // The retry, as Temporal would run it: same state, progress from the last heartbeat, the target's secrets.
    const retry = makeCtx({ targetId: ctx.targetId, state: ctx.state, progress: ctx.beats.at(-1), secrets: ctx.secrets });
    const out = await run('upload', retry);
    expect(out.type).toBe('continue');
    const ranges = (await putRequests()).map((r) => r.headers['content-range']);
    expect(ranges).toHaveLength(CHUNKS);
    expect(new Set(ranges).size).toBe(CHUNKS);
    expect(retry.beats[0]).toEqual({ nextChunk: 4, publishId: ctx.state.publishId });
    expect((await publishes())[0]).toMatchObject({ uploaded_bytes: FILE_SIZE, sha256: fileSha256 });
  });

  test('an expired upload_url (403) gets a fresh init and a new publish id; the old one never posts', async () => {
    const short = await startSandbox({ tiktok: { ...sandboxOptions.tiktok, uploadUrlTtlMs: 150 } });
    try {
      const p = providerFor(short);
      const data = randomBytes(1_000_000); // one chunk, sent well within the short lifetime
      const ctx = makeCtx({ media: [bufferMedia(data)], account: { id: 'acc-1', platformAccountId: DEFAULT_OPEN_ID, accessToken: (await mintToken(short)).access_token, metadata: {} } });
      await run('creatorInfo', ctx, p);
      await run('init', ctx, p);
      const first = ctx.state.publishId!;
      await sleep(200);
      await run('upload', ctx, p);
      expect(ctx.state.publishId).not.toBe(first);
      expect(ctx.beats[0]).toEqual({ nextChunk: 0, publishId: ctx.state.publishId });
      await waitFor(async () => (await publishes(short)).find((x) => x.publish_id === ctx.state.publishId)?.status === 'PUBLISH_COMPLETE', 3000, 'publish');
      const remote = await publishes(short);
      expect(remote.find((x) => x.publish_id === first)).toMatchObject({ status: 'PROCESSING_UPLOAD', uploaded_bytes: 0, post_ids: [] });
      expect(remote.find((x) => x.publish_id === ctx.state.publishId)).toMatchObject({ sha256: createHash('sha256').update(data).digest('hex') });
    } finally {
      await short.close();
    }
  });

  test('after a re-init by a dead attempt: a publish that already has every byte is the one that continues', async () => {
    const a = makeCtx();
    await run('creatorInfo', a);
    await run('init', a);
    // Another attempt re-initialised (publish B) and uploaded everything, then died before returning.
    const b = makeCtx({ targetId: a.targetId, state: structuredClone(a.state), secrets: a.secrets });
    await run('init', b);
    await run('upload', b);
    const before = (await putRequests()).length;
    const retry = makeCtx({ targetId: a.targetId, state: a.state, progress: { nextChunk: CHUNKS, publishId: b.state.publishId! }, secrets: a.secrets });
    const out = await run('upload', retry);
    expect(out.state.publishId).toBe(b.state.publishId);
    expect((await putRequests()).length).toBe(before);
  });

  test('a FILE_UPLOAD init whose answer was lost is not_applied: sending again is safe', async () => {
    const ctx = makeCtx();
    await run('creatorInfo', ctx);
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const err = await publishError(run('init', ctx));
    expect(err.kind).toBe('ambiguous');
    expect(await provider.publish.reconcile('init', ctx)).toEqual({ type: 'not_applied' });
    await run('init', ctx);
    await run('upload', ctx);
    const remote = await publishes();
    expect(remote).toHaveLength(2);
    expect(remote[0]).toMatchObject({ uploaded_bytes: 0, status: 'PROCESSING_UPLOAD' });
  });

  test('init: 5xx is ambiguous, 429 rate_limited (60 s default), unreachable host transient', async () => {
    const ctx = makeCtx();
    await run('creatorInfo', ctx);
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'status', status: 500, body: { data: {}, error: { code: 'internal_error', message: 'x', log_id: 'L' } } } });
    expect(await publishError(run('init', ctx))).toMatchObject({ kind: 'ambiguous', code: 'internal_error' });
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'status', status: 429, body: { data: {}, error: { code: 'rate_limit_exceeded', message: 'slow', log_id: 'L' } } } });
    expect(await publishError(run('init', ctx))).toMatchObject({ kind: 'rate_limited', code: 'rate_limit_exceeded', retryAfterMs: 60_000 });
    // Nothing listens there: the request never left, so even the commit may be sent again.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const dead = createTiktokProvider({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, authBaseUrl: closed, apiBaseUrl: closed });
    expect(await publishError(dead.publish.runStep('init', ctx))).toMatchObject({ kind: 'transient', code: 'network_error' });
  });

  test('TikTok\'s own 6/min limit, reached anyway, is rate_limited', async () => {
    const t = (await mintToken(sb)).access_token;
    for (let i = 0; i < 6; i++) {
      const ctx = makeCtx({ account: { id: `acc-${i}`, platformAccountId: DEFAULT_OPEN_ID, accessToken: t, metadata: {} } });
      await run('init', ctx);
    }
    const ctx = makeCtx({ account: { id: 'acc-7', platformAccountId: DEFAULT_OPEN_ID, accessToken: t, metadata: {} } });
    expect(await publishError(run('init', ctx))).toMatchObject({ kind: 'rate_limited', code: 'rate_limit_exceeded' });
  });

  test('an invalid token is auth', async () => {
    const ctx = makeCtx({ account: { id: 'acc-1', platformAccountId: DEFAULT_OPEN_ID, accessToken: 'act.forged', metadata: {} } });
    expect(await publishError(run('creatorInfo', ctx))).toMatchObject({ kind: 'auth', code: 'access_token_invalid' });
  });
});

describe('creator info', () => {
  test('a privacy level the creator does not offer is permanent, listing the allowed values', async () => {
    const err = await publishError(run('creatorInfo', makeCtx({ options: { privacyLevel: 'FOLLOWER_OF_CREATOR' } })));
    expect(err).toMatchObject({ kind: 'permanent', code: 'privacy_level_option_mismatch' });
    expect(err.message).toContain('PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY');
  });

  test('enabling an interaction the creator disabled is permanent; leaving it unset follows the creator', async () => {
    await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { commentDisabled: true });
    const err = await publishError(run('creatorInfo', makeCtx({ options: { privacyLevel: 'SELF_ONLY', disableComment: false } })));
    expect(err).toMatchObject({ kind: 'permanent', code: 'privacy_level_option_mismatch', message: expect.stringContaining('disableComment true') });
    const ctx = makeCtx({ options: { privacyLevel: 'SELF_ONLY' } });
    await run('creatorInfo', ctx);
    await run('init', ctx);
    const [init] = await sb.control.requests('?path=/tiktok/v2/post/publish/video/init/');
    expect((init!.body as any).post_info.disable_comment).toBe(true);
  });

  test('spam-risk caps (HTTP 200 on creator_info) wait long; a banned creator is permanent', async () => {
    await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { postingBlock: 'spam_risk_too_many_posts' });
    expect(await publishError(run('creatorInfo', makeCtx()))).toMatchObject({ kind: 'rate_limited', code: 'spam_risk_too_many_posts', retryAfterMs: 3_600_000 });
    const custom = providerFor(sb, { spamRiskWaitMs: 7_200_000 });
    expect(await publishError(run('creatorInfo', makeCtx(), custom))).toMatchObject({ retryAfterMs: 7_200_000 });
    await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { postingBlock: 'spam_risk_user_banned_from_posting' });
    expect(await publishError(run('creatorInfo', makeCtx()))).toMatchObject({ kind: 'permanent', code: 'spam_risk_user_banned_from_posting' });
  });
});

describe('PULL_FROM_URL', () => {
  test('a video under a verified prefix is pulled: no upload step, published with its id', async () => {
    const ctx = makeCtx({ media: [urlMedia()] });
    const { state, steps } = await runPlan(ctx);
    expect(steps).toEqual(['creatorInfo', 'init', 'status']);
    const [remote] = await publishes();
    expect(remote).toMatchObject({ source: 'PULL_FROM_URL', urls: [`${VERIFIED}clip.mp4`], status: 'PUBLISH_COMPLETE' });
    expect(state.platformPostId).toBe(remote.post_ids[0]);
    expect(await putRequests()).toHaveLength(0);
  });

  test('a PULL_FROM_URL init whose answer was lost is unknown, with evidence (never re-sent blindly)', async () => {
    const ctx = makeCtx({ media: [urlMedia()] });
    await run('creatorInfo', ctx);
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'drop_after_effect', mode: 'status', status: 502 } });
    expect(await publishError(run('init', ctx))).toMatchObject({ kind: 'ambiguous' });
    const rec = await provider.publish.reconcile('init', ctx);
    expect(rec).toEqual({ type: 'unknown', evidence: expect.stringContaining('PULL_FROM_URL') });
    // And it was right to worry: TikTok did start that publish.
    expect(await publishes()).toHaveLength(1);
  });

  test('photos: a direct photo post with the photo permalink', async () => {
    const ctx = makeCtx({ media: [urlMedia('a.jpg', 'image/jpeg'), urlMedia('b.webp', 'image/webp')], options: { privacyLevel: 'PUBLIC_TO_EVERYONE', title: 'Two photos', photoCoverIndex: 1 } });
    const { state, steps } = await runPlan(ctx);
    expect(steps).toEqual(['creatorInfo', 'init', 'status']);
    expect(state.permalink).toBe(`https://www.tiktok.com/@sandbox.creator/photo/${state.platformPostId}`);
    const [init] = await sb.control.requests('?path=/tiktok/v2/post/publish/content/init/');
    expect(init!.body).toEqual({
      media_type: 'PHOTO', post_mode: 'DIRECT_POST',
      post_info: { title: 'Two photos', description: 'Hello from Herald #herald', privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false },
      source_info: { source: 'PULL_FROM_URL', photo_images: [`${VERIFIED}a.jpg`, `${VERIFIED}b.webp`], photo_cover_index: 1 },
    });
  });
});

describe('inbox', () => {
  test('delivered to the inbox is the end of Herald\'s job; the pending-share hold stays taken', async () => {
    const ctx = makeCtx({ options: { mode: 'inbox' } });
    const { state, steps } = await runPlan(ctx);
    expect(steps).toEqual(['init', 'upload', 'status']);
    expect(state.data.deliveredToInbox).toBe(true);
    expect(state.platformPostId).toBeUndefined();
    expect((await publishes())[0]).toMatchObject({ mode: 'inbox', status: 'SEND_TO_USER_INBOX' });
    const [init] = await sb.control.requests('?path=/tiktok/v2/post/publish/inbox/video/init/');
    expect(init!.body).toEqual({ source_info: { source: 'FILE_UPLOAD', video_size: FILE_SIZE, chunk_size: CHUNK, total_chunk_count: CHUNKS } });
    expect(ctx.quota.holds.get('tiktok:inbox-pending:acc-1')).toEqual([{ at: expect.any(Number), released: false, id: ctx.targetId }]);
  });

  test('a failed share releases its hold and fails with the reason', async () => {
    await sb.control.call('POST', '/tiktok/failures', { reason: 'file_format_check_failed' });
    const ctx = makeCtx({ options: { mode: 'inbox' } });
    const err = await publishError(runPlan(ctx));
    expect(err).toMatchObject({ kind: 'permanent', code: 'file_format_check_failed' });
    expect(ctx.quota.holds.get('tiktok:inbox-pending:acc-1')![0]!.released).toBe(true);
  });

  test('5 pending shares held for the account: rate_limited before anything is sent', async () => {
    const quota = memoryQuota();
    for (let i = 0; i < 5; i++) await quota.acquire('tiktok:inbox-pending:acc-1', { limit: 5, windowMs: 86_400_000, holdId: `other-${i}`, pendingOnly: true });
    const err = await publishError(run('init', makeCtx({ options: { mode: 'inbox' }, quota })));
    expect(err.kind).toBe('rate_limited');
    expect(err.code).toBe('inbox_pending_quota');
    expect(err.retryAfterMs).toBeGreaterThan(86_000_000);
    expect(await sb.control.requests('?path=/tiktok/v2/post/publish/*')).toHaveLength(0);
  });

  test('TikTok\'s own pending cap, reached anyway, is rate_limited with the long wait', async () => {
    await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, {});
    for (let i = 0; i < 5; i++) {
      const t = (await mintToken(sb)).access_token;
      await run('init', makeCtx({ options: { mode: 'inbox' }, account: { id: `acc-x${i}`, platformAccountId: DEFAULT_OPEN_ID, accessToken: t, metadata: {} } }));
    }
    const err = await publishError(run('init', makeCtx({ options: { mode: 'inbox' } })));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'spam_risk_too_many_pending_share', retryAfterMs: 3_600_000 });
  });

  test('6 inits per minute per account across workers (the shared quota)', async () => {
    const quota = memoryQuota();
    for (let i = 0; i < 6; i++) await quota.acquire('tiktok:init:acc-1', { limit: 6, windowMs: 60_000, holdId: `x-${i}` });
    const err = await publishError(run('init', makeCtx({ quota })));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'init_quota' });
    expect(err.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('status', () => {
  test('a FAILED publish ends the target with the fail reason; retryable reasons say to publish again', async () => {
    for (const [reason, retryable] of [['spam_risk_text', false], ['internal', true]] as const) {
      await sb.control.reset();
      token = (await mintToken(sb)).access_token;
      const ctx = makeCtx({ text: `bad [[fail:${reason}]]` });
      const err = await publishError(runPlan(ctx));
      // Polling a FAILED publish again cannot change it, so it is never a transient error.
      expect(err).toMatchObject({ kind: 'permanent', code: reason });
      expect(err.message.includes('publish the post again')).toBe(retryable);
    }
  });

  test('a public post waits for its id through moderation, then publishes with it', async () => {
    const slow = await startSandbox({ tiktok: { ...sandboxOptions.tiktok, moderationMs: 300 } });
    try {
      const p = providerFor(slow);
      const ctx = makeCtx({ media: [urlMedia()], account: { id: 'acc-1', platformAccountId: DEFAULT_OPEN_ID, accessToken: (await mintToken(slow)).access_token, metadata: {} } });
      await run('creatorInfo', ctx, p);
      await run('init', ctx, p);
      let out: StepOutcome;
      const statuses: string[] = [];
      do {
        out = await run('status', ctx, p);
        if (out.type === 'pending') statuses.push(out.platformStatus ?? '');
        await sleep(20);
      } while (out.type === 'pending');
      expect(statuses).toContain('PUBLISH_COMPLETE (awaiting public post id)');
      expect(out.state.platformPostId).toBe((await publishes(slow))[0].post_ids[0]);
    } finally {
      await slow.close();
    }
  });

  test('a private post publishes without a post id; the username comes from the account when creator info did not run', async () => {
    const ctx = makeCtx({ options: { privacyLevel: 'SELF_ONLY' } });
    const { state } = await runPlan(ctx);
    expect(state.platformPostId).toBeUndefined();
    expect(state.permalink).toBeUndefined();
  });

  test('an unknown publish id is permanent', async () => {
    const err = await publishError(run('status', makeCtx({ state: { publishId: 'v_pub_file~v2.000', data: {} } })));
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_publish_id' });
  });
});

test('reconcile only knows the init step', async () => {
  expect(await provider.publish.reconcile('upload', makeCtx())).toMatchObject({ type: 'unknown' });
});

test('no token or upload token in any state the steps return', async () => {
  const ctx = makeCtx();
  const states: PublishState[] = [];
  for (const step of planOf(ctx)) {
    for (;;) {
      const out = await run(step.name, ctx);
      states.push(out.state);
      if (out.type !== 'pending') break;
      await sleep(out.pollAfterMs);
    }
  }
  const afterUpload = JSON.stringify(states.slice(2));
  expect(afterUpload).not.toContain('upload_token');
  expect(JSON.stringify(states)).not.toContain(token);
});
