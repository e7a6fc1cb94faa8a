// The Instagram provider publishing files uploaded to Herald (no public URL) through resumable upload (§4.4),
// against the in-process Meta sandbox: an uploaded REELS video and a carousel with an uploaded video item end to
// end (plan + runStep), a transfer interrupted mid-file that resumes (rupload's offset) or restarts (offset 0, when
// resuming is off or the lookup does not exist) and is published exactly once, a lost answer after the last byte,
// how rupload failure bodies map to PublishError kinds, and validation (uploaded videos pass, uploaded images not).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { MetaGraph } from '../../src/platforms/instagram/http.js';
import { createInstagramProvider, type InstagramProviderOptions } from '../../src/platforms/instagram/index.js';
import { resolveInstagramOptions } from '../../src/platforms/instagram/options.js';
import { createInstagramPublish } from '../../src/platforms/instagram/publish.js';
import type { InstagramUploadOptions } from '../../src/platforms/instagram/upload.js';
import {
  PublishError, type Json, type MediaSource, type PlatformProvider, type PublishContext, type PublishProvider, type StepOutcome,
} from '../../src/platforms/provider.js';
import { DEFAULT_META_USER, META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';
import { startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';

const REDIRECT = 'https://herald.example/api/social/connect/instagram/callback';
const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;
const MiB = 1024 * 1024;
const SIZE = 6 * MiB + 4321;

let sb: RunningSandbox;
let provider: PlatformProvider;
let token: string;
let data: Buffer;
let sha256: string;

const baseOptions = (on: RunningSandbox, over: Partial<InstagramProviderOptions> = {}): InstagramProviderOptions => ({
  appId: META_SANDBOX_APP_ID, appSecret: META_SANDBOX_APP_SECRET, dialogBaseUrl: `${on.baseUrl}/meta`, graphBaseUrl: `${on.baseUrl}/meta`,
  pollIntervalMs: 20, ...over,
});

/** The publish provider with upload settings that the resolved options do not carry yet. */
function publishWith(on: RunningSandbox, upload: InstagramUploadOptions): PublishProvider {
  const o = resolveInstagramOptions(baseOptions(on));
  const graph = new MetaGraph(o.graphBaseUrl, o.graphVersion, { rateLimitWaitMs: o.rateLimitWaitMs, publishingWindowMs: o.publishingWindowMs }, o.requestTimeoutMs);
  return createInstagramPublish(graph, { ...o, ...upload });
}

async function connect(on: RunningSandbox, p: PlatformProvider): Promise<string> {
  const res = await fetch(p.oauth!.authorizeUrl({ state: 's', redirectUri: REDIRECT }), { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  return (await p.oauth!.exchangeCode({ code, redirectUri: REDIRECT })).accessToken;
}

beforeAll(async () => {
  sb = await startSandbox({ meta: { videoProcessingMs: 60 } });
  provider = createInstagramProvider(baseOptions(sb));
  data = randomBytes(SIZE);
  sha256 = createHash('sha256').update(data).digest('hex');
});
afterAll(async () => { await sb.close(); });
beforeEach(async () => {
  await sb.control.reset();
  token = await connect(sb, provider);
});

/**
 * A stored file as the activity hands it over: size and ranged reads, in 64 KiB pieces like a file stream. With
 * `stall`, reading stops once `stall.at` bytes were read (the request hangs mid-file) and `stall.then` runs.
 */
function stored(bytes = data, stall?: { at: number; then: () => void }): MediaSource {
  return {
    contentType: 'video/mp4', sizeBytes: bytes.length,
    open: (range) => {
      const start = range?.start ?? 0;
      const end = range ? range.end + 1 : bytes.length;
      return Readable.from((async function* () {
        for (let at = start; at < end; at += 64 * 1024) {
          if (stall && at >= stall.at) {
            stall.then();
            await new Promise((r) => setTimeout(r, 1000));
            return;
          }
          yield bytes.subarray(at, Math.min(end, at + 64 * 1024));
        }
      })());
    },
  };
}
const urlVideo = (name = 'v.mp4'): MediaSource => ({ contentType: 'video/mp4', url: `https://cdn.example/${name}` });
const urlImage = (name = 'a.jpg'): MediaSource => ({ contentType: 'image/jpeg', url: `https://cdn.example/${name}` });

interface TestContext extends PublishContext { beats: Json[] }
let seq = 0;
function makeCtx(over: Partial<PublishContext> = {}): TestContext {
  const beats: Json[] = [];
  return {
    targetId: `target-${++seq}`, postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: IG, accessToken: token, metadata: {} },
    text: `Uploaded ${seq} #herald`, hashtags: ['herald'], media: [stored()], options: {},
    state: { data: {} }, progress: undefined, heartbeat: (p) => { beats.push(p); }, signal: new AbortController().signal, quota: memoryQuota(), secrets: memorySecrets(),
    beats, ...over,
  } as TestContext;
}

const planOf = (p: PublishProvider, ctx: PublishContext) =>
  p.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) })) });

/** Runs the plan from step `from` like the workflow: await steps polled, the state carried along. */
async function runPlan(p: PublishProvider, ctx: TestContext, from?: string): Promise<StepOutcome> {
  const plan = planOf(p, ctx).map((s) => s.name);
  let outcome: StepOutcome = { type: 'continue', state: ctx.state };
  for (const step of plan.slice(from ? plan.indexOf(from) : 0)) {
    for (let i = 0; ; i++) {
      outcome = await p.runStep(step, ctx);
      ctx.state = outcome.state;
      if (outcome.type !== 'pending') break;
      if (i > 300) throw new Error(`${step} never finished`);
      await new Promise((r) => setTimeout(r, outcome.type === 'pending' ? outcome.pollAfterMs : 0));
    }
    if (outcome.type === 'published') break;
  }
  return outcome;
}

async function runUntil(p: PublishProvider, ctx: TestContext, stop: string): Promise<void> {
  for (const step of planOf(p, ctx).map((s) => s.name)) {
    if (step === stop) return;
    ctx.state = (await p.runStep(step, ctx)).state;
  }
}

const ruploadPath = (containerId: string) => `/meta/rupload/ig-api-upload/v25.0/${containerId}`;
const ruploadCalls = async (method: 'POST' | 'GET') => (await sb.control.requests(`?method=${method}`)).filter((r) => r.path.startsWith('/meta/rupload/'));
const snapshot = async () => sb.control.state('meta');
const containerOf = async (id: string) => ((await snapshot()).containers as any[]).find((c) => c.id === id);

describe('uploaded videos', () => {
  test('REELS: a resumable container, the file streamed to rupload with OAuth/offset/file_size, then published once', async () => {
    const ctx = makeCtx();
    expect(planOf(provider.publish, ctx)).toEqual([
      // Everything before media_publish may be staged ahead of the due time: a container stays publishable 24 h.
      { name: 'limit', kind: 'prepare', status: 'preparing', stage: { validForMs: 86_400_000, basis: expect.stringContaining('24 hours') } },
      { name: 'container', kind: 'prepare', status: 'preparing', stage: { validForMs: 86_400_000, basis: expect.stringContaining('24 hours') } },
      { name: 'upload', kind: 'transfer', status: 'uploading', stage: { validForMs: 86_400_000, basis: expect.stringContaining('24 hours') } },
      { name: 'containerStatus', kind: 'await', status: 'processing', stage: { validForMs: 86_400_000, basis: expect.stringContaining('24 hours') } },
      { name: 'publish', kind: 'commit', status: 'submitting', absence: expect.objectContaining({ kind: 'settle_window' }) },
      { name: 'permalink', kind: 'prepare', status: 'processing' },
    ]);
    const outcome = await runPlan(provider.publish, ctx);
    expect(outcome.type).toBe('published');
    expect(outcome.state.permalink).toMatch(/\/reel\//);

    const [create] = await sb.control.requests(`?method=POST&path=/meta/v25.0/${IG}/media`);
    expect(create!.body).toEqual({ media_type: 'REELS', upload_type: 'resumable', caption: ctx.text });
    const [post, ...more] = await ruploadCalls('POST');
    expect(more).toHaveLength(0);
    expect(post).toMatchObject({ path: ruploadPath(ctx.state.containerId!), status: 200, body: { bytes: SIZE } });
    expect(post!.headers).toMatchObject({
      authorization: '[present]', offset: '0', file_size: String(SIZE), 'content-type': 'application/octet-stream', 'content-length': String(SIZE),
    });
    // A first attempt asks nothing before sending.
    expect(await ruploadCalls('GET')).toHaveLength(0);

    const container = await containerOf(ctx.state.containerId!);
    expect(container.upload).toMatchObject({ fileSize: SIZE, receivedBytes: SIZE, complete: true, sha256, requests: 1 });
    const snap = await snapshot();
    expect(snap.media).toHaveLength(1);
    expect(snap.media[0]).toMatchObject({ id: outcome.state.platformPostId, productType: 'REELS', containerId: ctx.state.containerId });
    expect(ctx.beats.at(-1)).toEqual({ done: [ctx.state.containerId] });
    expect(JSON.stringify({ state: outcome.state, beats: ctx.beats })).not.toContain(token);
  });

  test('CAROUSEL: the uploaded video item gets a resumable container and its bytes; URL items are fetched as before', async () => {
    const ctx = makeCtx({ media: [urlImage('1.jpg'), stored(), urlVideo('3.mp4')] });
    expect(planOf(provider.publish, ctx).map((s) => s.name)).toEqual(['limit', 'children', 'upload', 'childrenStatus', 'container', 'containerStatus', 'publish', 'permalink']);
    const outcome = await runPlan(provider.publish, ctx);
    expect(outcome.type).toBe('published');
    const children = outcome.state.data.children as string[];
    expect(children).toHaveLength(3);

    const creates = (await sb.control.requests(`?method=POST&path=/meta/v25.0/${IG}/media`)).map((r) => r.body);
    expect(creates.slice(0, 3)).toEqual([
      { is_carousel_item: 'true', image_url: 'https://cdn.example/1.jpg' },
      { is_carousel_item: 'true', media_type: 'VIDEO', upload_type: 'resumable' },
      { is_carousel_item: 'true', media_type: 'VIDEO', video_url: 'https://cdn.example/3.mp4' },
    ]);
    const posts = await ruploadCalls('POST');
    expect(posts.map((r) => r.path)).toEqual([ruploadPath(children[1]!)]);
    expect((await containerOf(children[1]!)).upload).toMatchObject({ complete: true, sha256 });
    expect((await containerOf(children[0]!)).upload).toBeNull();
    const snap = await snapshot();
    expect(snap.media).toHaveLength(1);
    expect(snap.media[0].mediaType).toBe('CAROUSEL_ALBUM');
  });

  test('URL media keep the plan without an upload step', () => {
    expect(provider.publish.plan({ options: {}, media: [{ contentType: 'video/mp4', url: 'https://cdn.example/v.mp4' }] }).map((s) => s.name))
      .toEqual(['limit', 'container', 'containerStatus', 'publish', 'permalink']);
  });
});

describe('interrupted transfers', () => {
  /**
   * Runs the upload step until `cutAt` bytes of the file were read, then aborts the activity's signal mid-request (a
   * worker dying mid-transfer). Answers the failed context, once the sandbox saw the request end.
   */
  async function interruptedUpload(p: PublishProvider, cutAt: number): Promise<TestContext> {
    const abort = new AbortController();
    const ctx = makeCtx({ signal: abort.signal, media: [stored(data, { at: cutAt, then: () => setTimeout(() => abort.abort(), 50) })] });
    await runUntil(p, ctx, 'upload');
    const err = await p.runStep('upload', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err).toMatchObject({ kind: 'transient', code: 'rupload_network_error' });
    await waitFor(async () => (await ruploadCalls('POST')).every((r) => r.outcome !== 'in_flight'), 3000, 'the cut request to end');
    return ctx;
  }

  /** The retry as Temporal runs it: same state, the last heartbeat as progress, a fresh signal; then the rest of the plan. */
  async function retry(p: PublishProvider, failed: TestContext): Promise<{ ctx: TestContext; outcome: StepOutcome }> {
    const ctx = makeCtx({ targetId: failed.targetId, state: failed.state, progress: failed.beats.at(-1), media: [stored()] });
    const outcome = await runPlan(p, ctx, 'upload');
    return { ctx, outcome };
  }

  test('resumeUploads (default): the retry asks rupload for its offset and sends only the rest; one reel', async () => {
    const failed = await interruptedUpload(provider.publish, 2 * MiB);
    const received = (await containerOf(failed.state.containerId!)).upload.receivedBytes as number;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(SIZE);
    expect(failed.beats.at(-1)).toMatchObject({ done: [], containerId: failed.state.containerId });

    const { ctx, outcome } = await retry(provider.publish, failed);
    expect(outcome.type).toBe('published');
    expect(await ruploadCalls('GET')).toHaveLength(1);
    const posts = await ruploadCalls('POST');
    expect(posts.map((r) => r.headers.offset)).toEqual(['0', String(received)]);
    expect(posts[1]).toMatchObject({ status: 200, body: { bytes: SIZE - received } });
    expect(posts[1]!.headers['content-length']).toBe(String(SIZE - received));
    // The bytes are exactly the file, in order: nothing lost, nothing doubled.
    expect((await containerOf(ctx.state.containerId!)).upload).toMatchObject({ receivedBytes: SIZE, sha256, complete: true });
    const snap = await snapshot();
    expect(snap.media).toHaveLength(1);
    expect(snap.media[0].containerId).toBe(failed.state.containerId);
    expect(await sb.control.requests(`?method=POST&path=/meta/v25.0/${IG}/media_publish`)).toHaveLength(1);
  });

  test('resumeUploads: false restarts from offset 0 without asking; the whole file again, one reel', async () => {
    const p = publishWith(sb, { resumeUploads: false });
    const failed = await interruptedUpload(p, 2 * MiB);
    const { ctx, outcome } = await retry(p, failed);
    expect(outcome.type).toBe('published');
    expect(await ruploadCalls('GET')).toHaveLength(0);
    const posts = await ruploadCalls('POST');
    expect(posts.map((r) => r.headers.offset)).toEqual(['0', '0']);
    expect(posts[1]).toMatchObject({ status: 200, body: { bytes: SIZE } });
    expect((await containerOf(ctx.state.containerId!)).upload).toMatchObject({ sha256, requests: 2 });
    expect((await snapshot()).media).toHaveLength(1);
  });

  test('when rupload has no offset lookup (404), the retry restarts from 0', async () => {
    const off = await startSandbox({ meta: { videoProcessingMs: 60, ruploadOffsetLookup: false } });
    const [saved, savedToken] = [sb, token];
    try {
      sb = off;
      const p = createInstagramProvider(baseOptions(off));
      token = await connect(off, p);
      const failed = await interruptedUpload(p.publish, 2 * MiB);
      const { outcome } = await retry(p.publish, failed);
      expect(outcome.type).toBe('published');
      expect((await ruploadCalls('GET')).map((r) => r.status)).toEqual([404]);
      expect((await ruploadCalls('POST')).map((r) => r.headers.offset)).toEqual(['0', '0']);
      expect((await containerOf(failed.state.containerId!)).upload).toMatchObject({ sha256 });
      expect((await snapshot()).media).toHaveLength(1);
    } finally {
      [sb, token] = [saved, savedToken];
      await off.close();
    }
  });

  test('an answer lost after the last byte: the retry finds every byte in and sends nothing more', async () => {
    const ctx = makeCtx();
    await runUntil(provider.publish, ctx, 'upload');
    await sb.control.addFault({ match: { method: 'POST', path: ruploadPath(ctx.state.containerId!) }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const err = await provider.publish.runStep('upload', ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', code: 'rupload_network_error' });
    const again = makeCtx({ targetId: ctx.targetId, state: ctx.state, progress: ctx.beats.at(-1) });
    expect((await runPlan(provider.publish, again, 'upload')).type).toBe('published');
    expect(await ruploadCalls('POST')).toHaveLength(1);
    expect((await snapshot()).media).toHaveLength(1);
  });
});

describe('rupload failures', () => {
  async function failingUpload(body: unknown, status = 400): Promise<PublishError> {
    const ctx = makeCtx();
    await runUntil(provider.publish, ctx, 'upload');
    await sb.control.addFault({ match: { method: 'POST', path: ruploadPath(ctx.state.containerId!) }, action: { type: 'status', status, body } });
    const err = await provider.publish.runStep('upload', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).not.toContain(token);
    return err as PublishError;
  }
  const debugInfo = (retriable: boolean, type: string, message: string) =>
    ({ debug_info: { retriable, type, message: JSON.stringify({ success: false, error: { message } }) } });

  test('retriable → transient; not retriable → permanent with the type and message; unauthorized → auth; no body → by status', async () => {
    expect(await failingUpload(debugInfo(true, 'TransientError', 'busy'), 503)).toMatchObject({ kind: 'transient', code: 'rupload_TransientError' });
    const permanent = await failingUpload(debugInfo(false, 'ProcessingFailedError', 'video too long'));
    expect(permanent).toMatchObject({ kind: 'permanent', code: 'rupload_ProcessingFailedError' });
    expect(permanent.message).toContain('video too long');
    expect(await failingUpload(debugInfo(false, 'ProcessingFailedError', 'unauthorized user request'), 401)).toMatchObject({ kind: 'auth' });
    expect(await failingUpload('<html>bad gateway</html>', 502)).toMatchObject({ kind: 'transient', code: 'rupload_http_502' });
  });

  test('the real sandbox refusal of a revoked token is auth, not a silent success', async () => {
    const ctx = makeCtx();
    await runUntil(provider.publish, ctx, 'upload');
    await provider.oauth!.revoke({ accessToken: token });
    const err = await provider.publish.runStep('upload', ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((await containerOf(ctx.state.containerId!)).upload.receivedBytes).toBe(0);
  });
});

describe('validation', () => {
  test('uploaded videos pass; uploaded images need a public URL, with a message saying so; URL media unchanged', () => {
    const v = provider.validateTarget!;
    const base = { text: 'hi', hashtags: [], options: {} };
    expect(v({ ...base, media: [{ contentType: 'video/mp4', mediaId: 'm1' }] })).toEqual([]);
    expect(v({ ...base, media: [{ contentType: 'image/jpeg', url: 'https://x/a.jpg' }, { contentType: 'video/quicktime', mediaId: 'm2' }] })).toEqual([]);
    const issues = v({ ...base, media: [{ contentType: 'video/mp4', mediaId: 'm1' }, { contentType: 'image/jpeg', mediaId: 'm2' }] });
    expect(issues).toEqual([expect.objectContaining({ field: 'media.1', rule: 'public_url_required' })]);
    expect(issues[0]!.message).toMatch(/Videos can be uploaded/);
    expect(issues[0]!.message).toMatch(/images need a public URL/);
  });
});
