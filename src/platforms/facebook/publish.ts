// Publishing to a Facebook Page (contract §5) with the Page access token (the account's own credentials):
//   begin   prepare  records when sending starts, so a lost answer is looked for only among posts made after it
//   photos  prepare  several photos: each uploaded with published=false (invisible until attached). Not staged:
//                    Meta documents no lifetime for unpublished photos, so they cannot be made ahead of time
//   feed    commit   text/link post, or the multi-photo post: POST /{page-id}/feed (message, link | attached_media)
//   photo   commit   one photo: POST /{page-id}/photos (url, or multipart source), the post is live at once
//   video*           one video: the Video API's chunked upload, or one file_url call (video.ts)
//   reel*            one video with mediaType REELS: a Page Reel in three phases (reel.ts)
// Meta has no idempotency key and documents no deadline for these calls: after a lost answer, `reconcile` reads the
// Page's recent /published_posts for one carrying exactly the message Herald sent, made after `begin`; the settle
// window (COMMIT_SETTLE_WINDOW_SECONDS) bounds how long a late effect is waited for before sending again.
import { PublishError, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import type { MetaGraph } from '../instagram/http.js';
import type { ResolvedFacebookOptions } from './options.js';
import { postPhotoMultipart } from './photo-upload.js';
import { phase, reelStatusOf, reelSteps } from './reel.js';
import { videoSteps } from './video.js';
import { postKindOf } from './target.js';

interface PostAnswer { id?: unknown; message?: unknown; created_time?: unknown; permalink_url?: unknown }

const idOf = (x: unknown): string | undefined => (typeof x === 'string' && x ? x : typeof x === 'number' ? String(x) : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** Graph times look like `2026-01-02T08:00:00+0000`. */
const parseGraphTime = (v: unknown): number => (typeof v === 'string' ? Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN);
/** Slack for clock differences between Herald and Meta when comparing a post's created_time with `begin`. */
const CLOCK_SKEW_MS = 60_000;

export function createFacebookPublish(graph: MetaGraph, options: ResolvedFacebookOptions): PublishProvider {
  const waits = { rateLimitWaitMs: options.rateLimitWaitMs, publishingWindowMs: options.rateLimitWaitMs };
  const pageId = (ctx: PublishContext) => encodeURIComponent(ctx.account.platformAccountId);
  const post = <T>(ctx: PublishContext, path: string, what: string, params: Record<string, string>, commit: boolean) =>
    graph.call<T>(path, { method: 'POST', token: ctx.account.accessToken, what, params, commit, signal: ctx.signal });

  /** POST /{page-id}/photos with the photo's URL, or its bytes when Facebook cannot fetch it. */
  function uploadPhoto<T>(ctx: PublishContext, i: number, params: Record<string, string>, commit: boolean): Promise<T> {
    const m = ctx.media[i];
    if (!m) throw new PublishError('permanent', 'media_missing', `media ${i} is missing`);
    const url = m.url ?? m.publicUrl;
    const path = `/${pageId(ctx)}/photos`;
    if (url) return post<T>(ctx, path, `photo ${i}`, { url, ...params }, commit);
    return postPhotoMultipart<T>(graph, {
      path, token: ctx.account.accessToken, params, media: m, label: `photo ${i}`, commit, signal: ctx.signal,
      timeoutMs: options.requestTimeoutMs, waits,
    });
  }

  const messageParams = (ctx: PublishContext): Record<string, string> => (ctx.text ? { message: ctx.text } : {});

  const steps: Record<string, (ctx: PublishContext) => Promise<StepOutcome>> = {
    ...reelSteps(graph, options),
    ...videoSteps(graph, options),
    // A video's status reads like a Reel's (VideoStatus).
    videoStatus: (ctx) => reelSteps(graph, options).reelStatus!(ctx),

    async begin(ctx) {
      if (typeof ctx.state.data.startedAt === 'string') return { type: 'continue', state: ctx.state };
      return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, startedAt: new Date().toISOString() } } };
    },

    async photos(ctx) {
      const ids = strings(ctx.state.data.photoIds);
      // A retry keeps the photos already uploaded: an unpublished photo is invisible, and one more left unused is harmless.
      for (let i = ids.length; i < ctx.media.length; i++) {
        const a = await uploadPhoto<{ id?: unknown }>(ctx, i, { published: 'false' }, false);
        const id = idOf(a.id);
        if (!id) throw new PublishError('transient', 'invalid_response', `photo ${i} upload answered without an id`);
        ids.push(id);
        ctx.heartbeat({ uploaded: ids.length });
      }
      return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, photoIds: ids } } };
    },

    async feed(ctx) {
      const photoIds = strings(ctx.state.data.photoIds);
      const link: Record<string, string> = typeof ctx.options.link === 'string' ? { link: ctx.options.link } : {};
      const attached: Record<string, string> = photoIds.length > 0 ? { attached_media: JSON.stringify(photoIds.map((media_fbid) => ({ media_fbid }))) } : {};
      const a = await post<{ id?: unknown }>(ctx, `/${pageId(ctx)}/feed`, 'feed post', { ...messageParams(ctx), ...link, ...attached }, true);
      const id = idOf(a.id);
      if (!id) throw new PublishError('ambiguous', 'invalid_response', 'feed post answered without a post id');
      return { type: 'published', state: { ...ctx.state, platformPostId: id } };
    },

    async photo(ctx) {
      const a = await uploadPhoto<{ id?: unknown; post_id?: unknown }>(ctx, 0, messageParams(ctx), true);
      const postId = idOf(a.post_id) ?? idOf(a.id);
      if (!postId) throw new PublishError('ambiguous', 'invalid_response', 'photo post answered without an id');
      return { type: 'published', state: { ...ctx.state, platformPostId: postId, data: { ...ctx.state.data, ...(idOf(a.id) ? { photoId: idOf(a.id)! } : {}) } } };
    },
  };

  /** The Page's post carrying exactly the message Herald sent, made since `begin`. */
  async function findPost(ctx: PublishContext): Promise<ReconcileOutcome> {
    if (!ctx.text) {
      return { type: 'unknown', evidence: 'the post has no message, so it cannot be told apart from other recent Page posts' };
    }
    const a = await graph.call<{ data?: PostAnswer[] }>(`/${pageId(ctx)}/published_posts`, {
      token: ctx.account.accessToken, what: 'recent Page posts', signal: ctx.signal,
      params: { fields: 'id,message,created_time,permalink_url', limit: String(options.reconcileLookback) },
    });
    const since = Date.parse(typeof ctx.state.data.startedAt === 'string' ? ctx.state.data.startedAt : '');
    const matches = (a.data ?? []).filter((p) => p.message === ctx.text && idOf(p.id)
      && !(parseGraphTime(p.created_time) < since - CLOCK_SKEW_MS));
    if (matches.length === 0) return { type: 'not_applied' };
    if (matches.length > 1) {
      return { type: 'unknown', evidence: `${matches.length} recent Page posts carry this exact message (${matches.map((p) => idOf(p.id)).join(', ')})` };
    }
    const found = matches[0]!;
    const state: PublishState = { ...ctx.state, platformPostId: idOf(found.id)!, ...(typeof found.permalink_url === 'string' ? { permalink: found.permalink_url } : {}) };
    return { type: 'applied', state };
  }

  return {
    plan(target) {
      const kind = postKindOf(target.media, target.options);
      const absence = {
        kind: 'settle_window' as const, ...options.settleWindow,
        basis: 'Meta documents no deadline and no idempotency key for Page posts: a slow call may still post',
      };
      if (kind === 'VIDEO') {
        const finishBasis = { ...absence, basis: 'Meta documents no deadline and no idempotency key for publishing a Page video: a slow call may still publish it' };
        return target.media[0]!.url
          ? [
            { name: 'videoFromUrl', kind: 'commit', status: 'submitting', absence: { kind: 'unprovable', basis: 'a lost file_url call leaves no video id to look up, and the video may still appear' } },
            { name: 'videoStatus', kind: 'await', status: 'processing' },
          ]
          : [
            { name: 'videoStart', kind: 'prepare', status: 'preparing' },
            { name: 'videoTransfer', kind: 'transfer', status: 'uploading' },
            { name: 'videoFinish', kind: 'commit', status: 'submitting', absence: finishBasis },
            { name: 'videoStatus', kind: 'await', status: 'processing' },
          ];
      }
      if (kind === 'REEL') {
        return [
          { name: 'reelLimit', kind: 'prepare', status: 'preparing' },
          { name: 'reelStart', kind: 'prepare', status: 'preparing' },
          { name: 'reelUpload', kind: 'transfer', status: 'uploading' },
          { name: 'reelFinish', kind: 'commit', status: 'submitting', absence: {
            ...absence, basis: 'Meta documents no deadline and no idempotency key for the Reel finish call: a slow call may still publish it' } },
          { name: 'reelStatus', kind: 'await', status: 'processing' },
        ];
      }
      return [
        { name: 'begin', kind: 'prepare', status: 'preparing' },
        ...(kind === 'PHOTOS' ? [{ name: 'photos', kind: 'prepare', status: 'uploading' }] satisfies PublishStepSpec[] : []),
        { name: kind === 'PHOTO' ? 'photo' : 'feed', kind: 'commit', status: 'submitting', absence },
      ];
    },

    async runStep(step, ctx) {
      const run = steps[step];
      if (!run) throw new PublishError('permanent', 'unknown_step', `facebook has no publish step ${step}`);
      return run(ctx);
    },

    async reconcile(step, ctx) {
      if (step === 'reelFinish' || step === 'videoFinish') {
        // The video itself says whether finish took effect: its publishing phase starts only then.
        const s = await reelStatusOf(graph, ctx);
        const publishing = phase(s.publishing_phase);
        if (publishing === 'not_started') return { type: 'not_applied' };
        if (publishing === 'unknown') return { type: 'unknown', evidence: `video ${String(ctx.state.data.videoId)} reports no publishing phase` };
        return { type: 'applied', state: { ...ctx.state, platformPostId: String(ctx.state.data.videoId) } };
      }
      if (step === 'videoFromUrl') return { type: 'unknown', evidence: 'a lost file_url publish leaves no video id to look up' };
      if (step !== 'feed' && step !== 'photo') throw new PublishError('permanent', 'unknown_step', `facebook has no commit step ${step}`);
      return findPost(ctx);
    },
  };
}
