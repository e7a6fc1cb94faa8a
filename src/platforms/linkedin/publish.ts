// Publishing on LinkedIn (contract §2.6-2.9) as a plan of steps:
//   images        transfer  images only: per image, initializeUpload (owner = the author) and one PUT of the file;
//                           heartbeats the URNs uploaded so far, a retry goes on with the next image
//   imagesStatus  await     every image AVAILABLE
//   video.init    prepare   video only: initializeUpload with the file size → the video URN and its parts; the part
//                           upload URLs are capabilities, kept in the target's sealed secrets, never in the state
//   video.upload  transfer  each part PUT in order, keeping its ETag; heartbeats `{ video, etags }` after every
//                           accepted part, and a retry resumes after the parts already accepted
//   video.finalize prepare  finalizeUpload with the ETags in order (skipped when LinkedIn already has it finalized)
//   video.status  await     AVAILABLE → go on; PROCESSING_FAILED → permanent
//   post          commit    POST /rest/posts (author, escaped commentary, visibility, media or article); the URN
//                           comes back in x-restli-id. A lost answer is reconciled by listing the author's recent
//                           posts for the exact commentary (and media) before anything is sent again.
// Everything before `post` may run ahead of the due time: uploaded media are visible to no one until a post uses them.
import { PublishError, type Json, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import { LinkedinHttpError, type LinkedinHttp } from './http.js';
import { escapeLittleText } from './little-text.js';
import type { ResolvedLinkedinOptions } from './options.js';
import { linkOf, titleOf, visibilityOf } from './target.js';

interface PostAnswer { id?: unknown; commentary?: unknown; content?: { media?: { id?: unknown }; multiImage?: { images?: { id?: unknown }[] }; article?: { source?: unknown } } }
interface VideoProgress { video: string; etags: string[] }

const VIDEO_URLS_SECRET = 'linkedin.videoUploadUrls';
const RECENT_POSTS = 50;
const enc = encodeURIComponent;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const isVideo = (m: { contentType: string }) => m.contentType.startsWith('video/');
export const permalinkOf = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

function readVideoProgress(raw: Json | undefined): VideoProgress | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { video, etags } = raw as Record<string, Json>;
  return typeof video === 'string' && Array.isArray(etags) ? { video, etags: strings(etags) } : undefined;
}

const withData = (state: PublishState, data: Record<string, Json>): PublishState => ({ ...state, data: { ...state.data, ...data } });

export function createLinkedinPublish(http: LinkedinHttp, options: ResolvedLinkedinOptions): PublishProvider {
  const call = <T>(ctx: PublishContext, path: string, what: string, extra: { method?: 'GET' | 'POST'; json?: unknown; query?: Record<string, string>; commit?: boolean } = {}) =>
    http.rest<T>(path, { token: ctx.account.accessToken, what, signal: ctx.signal, ...extra });

  function videoOf(state: PublishState): string {
    const v = state.data.video;
    if (typeof v !== 'string') throw new PublishError('permanent', 'missing_video', 'no video was initialised before this step');
    return v;
  }

  /** The post's content: the uploaded video or images, or the link's article preview. */
  function contentOf(ctx: PublishContext): Record<string, Json> | undefined {
    const images = strings(ctx.state.data.images);
    if (typeof ctx.state.data.video === 'string') {
      const title = titleOf(ctx.options);
      return { media: { id: ctx.state.data.video, ...(title ? { title } : {}) } };
    }
    if (images.length === 1) return { media: { id: images[0]! } };
    if (images.length > 1) return { multiImage: { images: images.map((id) => ({ id })) } };
    const link = linkOf(ctx.options);
    if (link) return { article: { source: link, title: titleOf(ctx.options) ?? link } };
    return undefined;
  }

  const steps: Record<string, (ctx: PublishContext) => Promise<StepOutcome>> = {
    async images(ctx) {
      const done = strings((ctx.progress as { images?: Json } | undefined)?.images ?? ctx.state.data.images);
      for (let i = done.length; i < ctx.media.length; i++) {
        const media = ctx.media[i]!;
        if (!media.open || media.sizeBytes === undefined) throw new PublishError('permanent', 'media_missing', `image ${i} is not a stored file; LinkedIn takes uploaded bytes only`);
        const init = await call<{ value?: { uploadUrl?: unknown; image?: unknown } }>(ctx, '/rest/images', 'image initializeUpload', {
          method: 'POST', query: { action: 'initializeUpload' }, json: { initializeUploadRequest: { owner: ctx.account.platformAccountId } },
        });
        const { uploadUrl, image } = init.body?.value ?? {};
        if (typeof uploadUrl !== 'string' || typeof image !== 'string') throw new PublishError('transient', 'invalid_response', 'image initializeUpload answered without uploadUrl and image');
        await http.put(uploadUrl, media.open(), media.sizeBytes, `image ${i} upload`, ctx.account.accessToken, ctx.signal);
        done.push(image);
        ctx.heartbeat({ images: done });
      }
      return { type: 'continue', state: withData(ctx.state, { images: done }) };
    },

    async imagesStatus(ctx) {
      for (const image of strings(ctx.state.data.images)) {
        const a = await call<{ status?: unknown }>(ctx, `/rest/images/${enc(image)}`, 'image status');
        if (a.body?.status === 'PROCESSING_FAILED') throw new PublishError('permanent', 'image_processing_failed', `LinkedIn could not process image ${image}`);
        if (a.body?.status !== 'AVAILABLE') return { type: 'pending', state: ctx.state, pollAfterMs: options.pollIntervalMs, platformStatus: String(a.body?.status) };
      }
      return { type: 'continue', state: ctx.state };
    },

    async 'video.init'(ctx) {
      if (typeof ctx.state.data.video === 'string' && await ctx.secrets.get(VIDEO_URLS_SECRET)) return { type: 'continue', state: ctx.state };
      const media = ctx.media[0];
      if (!media?.open || media.sizeBytes === undefined) throw new PublishError('permanent', 'media_missing', 'the video is not a stored file; LinkedIn takes uploaded bytes only');
      const a = await call<{ value?: { video?: unknown; uploadInstructions?: { uploadUrl?: unknown; firstByte?: unknown; lastByte?: unknown }[] } }>(ctx, '/rest/videos', 'video initializeUpload', {
        method: 'POST', query: { action: 'initializeUpload' },
        json: { initializeUploadRequest: { owner: ctx.account.platformAccountId, fileSizeBytes: media.sizeBytes, uploadCaptions: false, uploadThumbnail: false } },
      });
      const video = a.body?.value?.video;
      const parts = (a.body?.value?.uploadInstructions ?? []).map((p) => ({ url: p.uploadUrl, first: p.firstByte, last: p.lastByte }));
      if (typeof video !== 'string' || parts.length === 0 || parts.some((p) => typeof p.url !== 'string' || typeof p.first !== 'number' || typeof p.last !== 'number')) {
        throw new PublishError('transient', 'invalid_response', 'video initializeUpload answered without a video URN and upload instructions');
      }
      await ctx.secrets.put(VIDEO_URLS_SECRET, JSON.stringify(parts.map((p) => p.url)));
      return { type: 'continue', state: withData(ctx.state, { video, videoParts: parts.map((p) => [p.first as number, p.last as number]) }) };
    },

    async 'video.upload'(ctx) {
      const video = videoOf(ctx.state);
      const media = ctx.media[0]!;
      const ranges = (ctx.state.data.videoParts as [number, number][] | undefined) ?? [];
      const urls = JSON.parse((await ctx.secrets.get(VIDEO_URLS_SECRET)) ?? '[]') as string[];
      const progress = readVideoProgress(ctx.progress);
      const etags = progress?.video === video ? [...progress.etags] : [];
      for (let i = etags.length; i < ranges.length; i++) {
        const [first, last] = ranges[i]!;
        const url = urls[i];
        if (!url || !media.open) throw new PublishError('permanent', 'upload_url_missing', `no upload URL for part ${i + 1} of video ${video}`);
        const etag = await http.put(url, media.open({ start: first, end: last }), last - first + 1, `video part ${i + 1}/${ranges.length} upload`, ctx.account.accessToken, ctx.signal);
        if (!etag) throw new PublishError('transient', 'invalid_response', `video part ${i + 1} upload answered without an ETag`);
        etags.push(etag);
        ctx.heartbeat({ video, etags });
      }
      await ctx.secrets.delete(VIDEO_URLS_SECRET);
      return { type: 'continue', state: withData(ctx.state, { videoEtags: etags }) };
    },

    async 'video.finalize'(ctx) {
      const video = videoOf(ctx.state);
      // A finalize whose answer was lost is not repeated: LinkedIn's status says whether it already has it.
      const st = await call<{ status?: unknown }>(ctx, `/rest/videos/${enc(video)}`, 'video status');
      if (st.body?.status !== 'WAITING_UPLOAD') return { type: 'continue', state: ctx.state };
      await call(ctx, '/rest/videos', 'video finalizeUpload', {
        method: 'POST', query: { action: 'finalizeUpload' },
        json: { finalizeUploadRequest: { video, uploadToken: '', uploadedPartIds: strings(ctx.state.data.videoEtags) } },
      });
      return { type: 'continue', state: ctx.state };
    },

    async 'video.status'(ctx) {
      const video = videoOf(ctx.state);
      const a = await call<{ status?: unknown; processingFailureReason?: unknown }>(ctx, `/rest/videos/${enc(video)}`, 'video status');
      const status = String(a.body?.status);
      if (status === 'AVAILABLE') return { type: 'continue', state: ctx.state };
      if (status === 'PROCESSING_FAILED') throw new PublishError('permanent', 'video_processing_failed', `LinkedIn could not process video ${video}${a.body?.processingFailureReason ? `: ${String(a.body.processingFailureReason)}` : ''}`);
      return { type: 'pending', state: ctx.state, pollAfterMs: options.pollIntervalMs, platformStatus: status };
    },

    async post(ctx) {
      const content = contentOf(ctx);
      const a = await call(ctx, '/rest/posts', 'post creation', {
        method: 'POST', commit: true,
        json: {
          author: ctx.account.platformAccountId, commentary: escapeLittleText(ctx.text), visibility: visibilityOf(ctx.options),
          distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: 'PUBLISHED', isReshareDisabledByAuthor: false, ...(content ? { content } : {}),
        },
      });
      const urn = a.headers.get('x-restli-id');
      if (!urn) throw new PublishError('ambiguous', 'invalid_response', `post creation answered ${a.status} without x-restli-id`);
      return { type: 'published', state: { ...ctx.state, platformPostId: urn, permalink: permalinkOf(urn) } };
    },
  };

  /** The media id the post carries, to tell this post from an earlier one with the same text. */
  const mediaKey = (content: PostAnswer['content'] | Record<string, Json> | undefined): string => {
    const c = content as PostAnswer['content'];
    return JSON.stringify(c?.media?.id ?? c?.multiImage?.images?.map((i) => i.id) ?? c?.article?.source ?? null);
  };

  return {
    plan(target) {
      const media = target.media;
      const stage = { validForMs: options.stagedMediaValidMs, basis: 'LinkedIn media are visible to no one until a post uses them; upload URLs last about a day (uploadUrlExpiresAt)' };
      const staged = (list: PublishStepSpec[]): PublishStepSpec[] => list.map((s) => ({ ...s, stage }) as PublishStepSpec);
      const mediaSteps: PublishStepSpec[] = media.length === 0 ? [] : media.some(isVideo) ? staged([
        { name: 'video.init', kind: 'prepare', status: 'uploading' },
        { name: 'video.upload', kind: 'transfer', status: 'uploading' },
        { name: 'video.finalize', kind: 'prepare', status: 'uploading' },
        { name: 'video.status', kind: 'await', status: 'processing' },
      ]) : staged([
        { name: 'images', kind: 'transfer', status: 'uploading' },
        { name: 'imagesStatus', kind: 'await', status: 'processing' },
      ]);
      return [
        ...mediaSteps,
        { name: 'post', kind: 'commit', status: 'submitting', absence: { kind: 'settle_window', ...options.settleWindow, basis: 'LinkedIn documents no deadline and no idempotency key for POST /rest/posts' } },
      ];
    },

    async runStep(step, ctx) {
      const run = steps[step];
      if (!run) throw new PublishError('permanent', 'unknown_step', `linkedin has no publish step ${step}`);
      return run(ctx);
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      if (step !== 'post') throw new PublishError('permanent', 'unknown_step', `linkedin has no commit step ${step}`);
      const commentary = escapeLittleText(ctx.text);
      const want = mediaKey(contentOf(ctx));
      let a;
      try {
        a = await call<{ elements?: PostAnswer[] }>(ctx, '/rest/posts', 'recent posts', {
          query: { q: 'author', author: ctx.account.platformAccountId, count: String(RECENT_POSTS), sortBy: 'LAST_MODIFIED' },
        });
      } catch (err) {
        if (err instanceof LinkedinHttpError && err.kind === 'permanent') return { type: 'unknown', evidence: `the author's posts could not be listed: ${err.message}` };
        throw err;
      }
      const found = (a.body?.elements ?? []).find((p) => typeof p.id === 'string' && p.commentary === commentary && mediaKey(p.content) === want);
      if (!found) return { type: 'not_applied' };
      const urn = found.id as string;
      return { type: 'applied', state: { ...ctx.state, platformPostId: urn, permalink: permalinkOf(urn) } };
    },
  };
}
