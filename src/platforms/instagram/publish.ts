// Publishing on Instagram (contract §4.3-4.7) as a plan of steps:
//   limit           prepare  the account's publishing quota: our QuotaGate hold (all workers) and Meta's
//                            content_publishing_limit; at the limit → rate_limited until the window frees
//   children        prepare  carousels only: one item container per media (is_carousel_item=true); an uploaded
//                            video (no public URL) gets a resumable container (upload_type=resumable, §4.4)
//   upload          transfer carousels with uploaded videos: their bytes to rupload (upload.ts), streamed, resumable
//   childrenStatus  await    carousels only: every item container FINISHED (the parent refuses unready children)
//   container       prepare  the container to publish (IMAGE, REELS or the CAROUSEL parent; an uploaded REELS
//                            video is resumable). Repeating it is harmless: an unpublished container simply expires
//                            after 24 h, and a resumable one without bytes never processes
//   upload          transfer an uploaded REELS video: its bytes to the resumable container (upload.ts)
//   containerStatus await    status_code: IN_PROGRESS → poll; FINISHED → go on; ERROR / EXPIRED → permanent
//   publish         commit   media_publish (irreversible): the media id becomes platformPostId
//   permalink       prepare  reads the media's permalink; the post is published
// Container ids live in PublishState (they are not secrets); the token never does.
import { PublishError, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import type { MetaGraph } from './http.js';
import type { ResolvedInstagramOptions } from './options.js';
import { mediaTypeOf } from './target.js';
import { uploadStep, type InstagramUploadOptions, type UploadJob } from './upload.js';

interface StatusAnswer { status_code?: unknown; status?: unknown }
interface MediaAnswer { id?: unknown; permalink?: unknown; caption?: unknown; timestamp?: unknown }

/** How long a container stays publishable (IG Container reference: status_code EXPIRED after 24 h unpublished). */
const CONTAINER_VALID_MS = 24 * 60 * 60 * 1000;
const CONTAINER_VALIDITY_BASIS = 'IG Container reference: a container not published within 24 hours turns EXPIRED';

const quotaKey = (ctx: PublishContext) => `instagram:publish:${ctx.account.id}`;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * A video Herald holds the bytes of and Instagram cannot fetch: it goes through a resumable container and rupload.
 * Images have no documented upload path (image_url only, §4.3), so they always need a URL.
 */
const uploadsBytes = (m: { contentType: string; url?: string | undefined }) => m.contentType.startsWith('video/') && !m.url;

/** `options` may carry the upload settings (resumeUploads); their defaults apply otherwise. */
export function createInstagramPublish(graph: MetaGraph, options: ResolvedInstagramOptions & InstagramUploadOptions): PublishProvider {
  const get = <T>(ctx: PublishContext, path: string, what: string, params?: Record<string, string>) =>
    graph.call<T>(path, { token: ctx.account.accessToken, what, signal: ctx.signal, ...(params ? { params } : {}) });
  const post = <T>(ctx: PublishContext, path: string, what: string, params: Record<string, string>, commit = false) =>
    graph.call<T>(path, { method: 'POST', token: ctx.account.accessToken, what, params, commit, signal: ctx.signal });

  function mediaUrl(ctx: PublishContext, i: number): string {
    // The user's own URL first; else the signed URL Herald serves an uploaded file at (MEDIA_URL_SECRET).
    const url = ctx.media[i]?.url ?? ctx.media[i]?.publicUrl;
    if (!url) throw new PublishError('permanent', 'public_url_required', `media ${i} has no public URL; Instagram only fetches media from public URLs`);
    return url;
  }

  async function createContainer(ctx: PublishContext, params: Record<string, string>, what: string): Promise<string> {
    const a = await post<{ id?: unknown }>(ctx, `/${ctx.account.platformAccountId}/media`, what, params);
    if (typeof a.id !== 'string' || a.id === '') throw new PublishError('transient', 'invalid_response', `${what} answered without a container id`);
    return a.id;
  }

  async function statusOf(ctx: PublishContext, containerId: string): Promise<{ code: string; text: string }> {
    const a = await get<StatusAnswer>(ctx, `/${containerId}`, 'container status', { fields: 'status_code,status' });
    return { code: typeof a.status_code === 'string' ? a.status_code : 'UNKNOWN', text: typeof a.status === 'string' ? a.status : '' };
  }

  function failIfDead(s: { code: string; text: string }, which: string): void {
    if (s.code === 'ERROR' || s.code === 'EXPIRED') {
      throw new PublishError('permanent', `container_${s.code.toLowerCase()}`, `${which} ended ${s.code}${s.text ? `: ${s.text}` : ''}`);
    }
  }

  const steps: Record<string, (ctx: PublishContext) => Promise<StepOutcome>> = {
    async limit(ctx) {
      const hold = await ctx.quota.acquire(quotaKey(ctx), { limit: options.publishingLimit, windowMs: options.publishingWindowMs, holdId: ctx.targetId });
      if (!hold.ok) throw new PublishError('rate_limited', 'publishing_limit', `the account reached ${options.publishingLimit} posts in the publishing window`, hold.retryAfterMs);
      const a = await get<{ data?: { quota_usage?: unknown; config?: { quota_total?: unknown; quota_duration?: unknown } }[] }>(
        ctx, `/${ctx.account.platformAccountId}/content_publishing_limit`, 'publishing limit', { fields: 'config,quota_usage' });
      const row = a.data?.[0];
      const used = typeof row?.quota_usage === 'number' ? row.quota_usage : 0;
      const total = typeof row?.config?.quota_total === 'number' ? row.config.quota_total : options.publishingLimit;
      if (used >= total) {
        // Meta does not say when the oldest post leaves the moving window; check again after the configured wait.
        throw new PublishError('rate_limited', 'content_publishing_limit', `Instagram reports ${used}/${total} API posts in the last 24 h`, options.rateLimitWaitMs);
      }
      return { type: 'continue', state: ctx.state };
    },

    async children(ctx) {
      if (strings(ctx.state.data.children).length === ctx.media.length) return { type: 'continue', state: ctx.state };
      const ids: string[] = [];
      for (let i = 0; i < ctx.media.length; i++) {
        const m = ctx.media[i]!;
        const video = m.contentType.startsWith('video/');
        const source: Record<string, string> = uploadsBytes(m) ? { upload_type: 'resumable' } : video ? { video_url: mediaUrl(ctx, i) } : { image_url: mediaUrl(ctx, i) };
        ids.push(await createContainer(ctx, {
          is_carousel_item: 'true', ...(video ? { media_type: 'VIDEO' } : {}), ...source,
        }, `carousel item ${i} container`));
      }
      return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, children: ids } } };
    },

    async childrenStatus(ctx) {
      for (const id of strings(ctx.state.data.children)) {
        const s = await statusOf(ctx, id);
        failIfDead(s, `carousel item container ${id}`);
        if (s.code !== 'FINISHED') return { type: 'pending', state: ctx.state, pollAfterMs: options.pollIntervalMs, platformStatus: s.code };
      }
      return { type: 'continue', state: ctx.state };
    },

    async container(ctx) {
      if (ctx.state.containerId) return { type: 'continue', state: ctx.state };
      const type = mediaTypeOf(ctx.options, ctx.media);
      const caption = { caption: ctx.text };
      const params: Record<string, string> = type === 'CAROUSEL'
        ? { media_type: 'CAROUSEL', children: strings(ctx.state.data.children).join(','), ...caption }
        : type === 'REELS'
          ? { media_type: 'REELS', ...(uploadsBytes(ctx.media[0]!) ? { upload_type: 'resumable' } : { video_url: mediaUrl(ctx, 0) }), ...caption }
          : { image_url: mediaUrl(ctx, 0), ...caption };
      const id = await createContainer(ctx, params, `${type} container`);
      return { type: 'continue', state: { ...ctx.state, containerId: id, data: { ...ctx.state.data, containerCreatedAt: new Date().toISOString() } } };
    },

    async upload(ctx) {
      await uploadStep({ options, statusCode: async (c, id) => (await statusOf(c, id)).code }, ctx, uploadJobs(ctx));
      return { type: 'continue', state: ctx.state };
    },

    async containerStatus(ctx) {
      const s = await statusOf(ctx, requireContainer(ctx.state));
      failIfDead(s, 'the container');
      if (s.code === 'FINISHED' || s.code === 'PUBLISHED') return { type: 'continue', state: ctx.state };
      return { type: 'pending', state: ctx.state, pollAfterMs: options.pollIntervalMs, platformStatus: s.code };
    },

    async publish(ctx) {
      const a = await post<{ id?: unknown }>(ctx, `/${ctx.account.platformAccountId}/media_publish`, 'media_publish', { creation_id: requireContainer(ctx.state) }, true);
      if (typeof a.id !== 'string' || a.id === '') throw new PublishError('ambiguous', 'invalid_response', 'media_publish answered without a media id');
      return { type: 'continue', state: { ...ctx.state, platformPostId: a.id } };
    },

    async permalink(ctx) {
      const id = ctx.state.platformPostId;
      // A lost media_publish answer reconciled from a PUBLISHED container: which media it became is looked up here.
      // The post is live either way: a lookup that may work later is retried like any read, one refused for good
      // leaves the target published without a media id.
      if (!id) {
        try {
          return { type: 'published', state: withMedia(ctx.state, await findPublishedMedia(ctx)) };
        } catch (err) {
          if (!(err instanceof PublishError) || err.kind !== 'permanent') throw err;
          return { type: 'published', state: { ...ctx.state, data: { ...ctx.state.data, mediaLookupError: `${err.code}: ${err.message}` } } };
        }
      }
      const a = await get<MediaAnswer>(ctx, `/${id}`, 'media lookup', { fields: 'id,permalink' });
      return { type: 'published', state: { ...ctx.state, ...(typeof a.permalink === 'string' ? { permalink: a.permalink } : {}) } };
    },
  };

  /** Containers waiting for bytes: uploaded carousel videos (their item containers) or an uploaded reel. */
  function uploadJobs(ctx: PublishContext): UploadJob[] {
    if (mediaTypeOf(ctx.options, ctx.media) === 'CAROUSEL') {
      const children = strings(ctx.state.data.children);
      return ctx.media.flatMap((m, i) => {
        if (!uploadsBytes(m)) return [];
        const containerId = children[i];
        if (!containerId) throw new PublishError('permanent', 'missing_container', `carousel item ${i} has no container to upload to`);
        return [{ containerId, media: m, label: `media ${i}` }];
      });
    }
    const m = ctx.media[0];
    return m && uploadsBytes(m) ? [{ containerId: requireContainer(ctx.state), media: m, label: 'media 0' }] : [];
  }

  /** The media media_publish created, found among the account's recent media by caption and time. */
  async function findPublishedMedia(ctx: PublishContext): Promise<MediaAnswer | undefined> {
    const a = await get<{ data?: MediaAnswer[] }>(ctx, `/${ctx.account.platformAccountId}/media`, 'recent media', { fields: 'id,caption,timestamp,permalink', limit: '25' });
    const since = Date.parse(typeof ctx.state.data.containerCreatedAt === 'string' ? ctx.state.data.containerCreatedAt : '') || 0;
    return (a.data ?? []).find((m) => m.caption === ctx.text && typeof m.id === 'string'
      && Date.parse(String(m.timestamp).replace(/\+0000$/, 'Z')) >= since - 60_000);
  }

  return {
    plan(target) {
      const type = mediaTypeOf(target.options, target.media);
      // Everything before media_publish may run ahead of the due time (staging): a container publishes nothing by
      // itself and stays publishable for 24 h ("EXPIRED: the container was not published within 24 hours", IG
      // Container reference, status_code). The publishing-limit check is a read and a hold on Herald's own quota.
      const staged = <T extends PublishStepSpec>(steps: T[]): T[] => steps.map((step) => ({ ...step, stage: { validForMs: CONTAINER_VALID_MS, basis: CONTAINER_VALIDITY_BASIS } }));
      const upload: PublishStepSpec[] = (type === 'CAROUSEL' ? target.media : target.media.slice(0, 1)).some(uploadsBytes)
        ? [{ name: 'upload', kind: 'transfer', status: 'uploading' }] : [];
      return [
        ...staged<PublishStepSpec>([
          { name: 'limit', kind: 'prepare', status: 'preparing' },
          ...(type === 'CAROUSEL' ? [
            { name: 'children', kind: 'prepare', status: 'preparing' },
            ...upload,
            { name: 'childrenStatus', kind: 'await', status: 'processing' },
          ] satisfies PublishStepSpec[] : []),
          { name: 'container', kind: 'prepare', status: 'preparing' },
          ...(type === 'REELS' ? upload : []),
          { name: 'containerStatus', kind: 'await', status: 'processing' },
        ]),
        {
          name: 'publish', kind: 'commit', status: 'submitting',
          absence: {
            kind: 'settle_window', ...options.settleWindow,
            basis: 'Meta documents no deadline and no idempotency key for media_publish: a slow call may still publish the container',
          },
        },
        { name: 'permalink', kind: 'prepare', status: 'processing' },
      ];
    },

    async runStep(step, ctx) {
      const run = steps[step];
      if (!run) throw new PublishError('permanent', 'unknown_step', `instagram has no publish step ${step}`);
      return run(ctx);
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      if (step !== 'publish') throw new PublishError('permanent', 'unknown_step', `instagram has no commit step ${step}`);
      const s = await statusOf(ctx, requireContainer(ctx.state));
      if (s.code === 'FINISHED') return { type: 'not_applied' };
      if (s.code === 'PUBLISHED') {
        // The container reading PUBLISHED is the proof that media_publish took effect. Which media it became is a
        // second lookup; when that fails or finds nothing now, the post is still applied and the permalink step
        // looks again.
        let media: MediaAnswer | undefined;
        let lookup = 'was not found among recent media';
        try {
          media = await findPublishedMedia(ctx);
        } catch (err) {
          lookup = `lookup failed (${err instanceof PublishError ? `${err.code}: ${err.message}` : String(err)})`;
        }
        if (media && typeof media.id === 'string') return { type: 'applied', state: withMedia(ctx.state, media) };
        return { type: 'applied', state: { ...ctx.state, data: { ...ctx.state.data, reconcileEvidence: `container ${ctx.state.containerId} is PUBLISHED; its media ${lookup}` } } };
      }
      return { type: 'unknown', evidence: `container ${ctx.state.containerId} status_code ${s.code}${s.text ? ` (${s.text})` : ''}` };
    },
  };
}

/** The state with the media a published container became (unchanged when it was not found). */
function withMedia(state: PublishState, media: MediaAnswer | undefined): PublishState {
  if (!media || typeof media.id !== 'string') return state;
  return { ...state, platformPostId: media.id, ...(typeof media.permalink === 'string' ? { permalink: media.permalink } : {}) };
}

function requireContainer(state: PublishState): string {
  if (!state.containerId) throw new PublishError('permanent', 'missing_container', 'no container was created before this step');
  return state.containerId;
}
