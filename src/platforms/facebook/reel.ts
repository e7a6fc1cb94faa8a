// A Page Reel (Reels Publishing API, contract §5.3): one video through three phases on the Page's video_reels edge.
//   reelLimit   prepare  Herald's own hold on Meta's 30 API-published Reels per Page per moving 24 h (enforced by Meta
//                        on the publishing call; Meta asks apps to enforce it too)
//   reelStart   prepare  upload_phase=start → video_id (an upload session; unused, it publishes nothing)
//   reelUpload  transfer the bytes to rupload (`Authorization: OAuth`, `offset: 0`, `file_size`), or a `file_url`
//                        header for a video Facebook can fetch. A retry starts the upload over at offset 0
//   reelFinish  commit   upload_phase=finish, video_state=PUBLISHED, description: the irreversible call
//   reelStatus  await    the video's status until publishing_phase is complete (error → permanent)
// After a lost finish answer, the video's own status tells: a publishing phase that has started means finish took
// effect; `not_started` is absence (believed once the settle window has passed).
import { PublishError, type Json, type PublishContext, type StepOutcome } from '../provider.js';
import type { MetaGraph } from '../instagram/http.js';
import type { ResolvedFacebookOptions } from './options.js';

export const REELS_PER_DAY = 30;
const DAY_MS = 24 * 3600_000;

interface VideoStatus { video_status?: unknown; uploading_phase?: { status?: unknown }; processing_phase?: { status?: unknown }; publishing_phase?: { status?: unknown }; error?: { message?: unknown } }

export function requireVideoId(ctx: PublishContext): string {
  const id = ctx.state.data.videoId;
  if (typeof id !== 'string' || id === '') throw new PublishError('permanent', 'missing_video', 'no Reel upload session was started before this step');
  return id;
}

export async function reelStatusOf(graph: MetaGraph, ctx: PublishContext): Promise<VideoStatus> {
  const a = await graph.call<{ status?: VideoStatus }>(`/${encodeURIComponent(requireVideoId(ctx))}`, {
    token: ctx.account.accessToken, what: 'Reel status', signal: ctx.signal, params: { fields: 'status' },
  });
  return a.status ?? {};
}

export const phase = (p: { status?: unknown } | undefined): string => (typeof p?.status === 'string' ? p.status : 'unknown');

export function reelSteps(graph: MetaGraph, options: ResolvedFacebookOptions): Record<string, (ctx: PublishContext) => Promise<StepOutcome>> {
  const edge = (ctx: PublishContext) => `/${encodeURIComponent(ctx.account.platformAccountId)}/video_reels`;
  const post = <T>(ctx: PublishContext, what: string, params: Record<string, string>, commit: boolean) =>
    graph.call<T>(edge(ctx), { method: 'POST', token: ctx.account.accessToken, what, params, commit, signal: ctx.signal });

  return {
    async reelLimit(ctx) {
      const hold = await ctx.quota.acquire(`facebook:reels:${ctx.account.id}`, { limit: REELS_PER_DAY, windowMs: DAY_MS, holdId: ctx.targetId });
      if (!hold.ok) throw new PublishError('rate_limited', 'reels_limit', `the Page reached ${REELS_PER_DAY} API-published Reels in 24 hours`, hold.retryAfterMs);
      return { type: 'continue', state: ctx.state };
    },

    async reelStart(ctx) {
      if (typeof ctx.state.data.videoId === 'string') return { type: 'continue', state: ctx.state };
      const a = await post<{ video_id?: unknown }>(ctx, 'Reel upload start', { upload_phase: 'start' }, false);
      const id = typeof a.video_id === 'string' ? a.video_id : typeof a.video_id === 'number' ? String(a.video_id) : '';
      if (!id) throw new PublishError('transient', 'invalid_response', 'Reel upload start answered without a video_id');
      return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, videoId: id } } };
    },

    async reelUpload(ctx) {
      const media = ctx.media[0];
      if (!media) throw new PublishError('permanent', 'media_missing', 'a Reel needs its video');
      const url = `${options.ruploadBaseUrl}/video-upload/${options.graphVersion}/${encodeURIComponent(requireVideoId(ctx))}`;
      const headers: Record<string, string> = { authorization: `OAuth ${ctx.account.accessToken}`, offset: '0' };
      let body: RequestInit['body'];
      if (media.url) {
        headers.file_url = media.url;
      } else {
        if (!media.open || !media.sizeBytes) throw new PublishError('permanent', 'media_missing', 'the video has neither a URL nor stored bytes of known size');
        headers.file_size = String(media.sizeBytes);
        headers['content-type'] = 'application/octet-stream';
        body = media.open() as unknown as RequestInit['body'];
      }
      ctx.heartbeat({ sent: 0 } as Json);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST', headers, ...(body ? { body, duplex: 'half' } : {}),
          signal: AbortSignal.any([AbortSignal.timeout(options.uploadTimeoutMs), ctx.signal]),
        } as RequestInit);
      } catch (err) {
        throw new PublishError('transient', 'rupload_network_error', `Reel upload failed: ${err instanceof Error ? err.message : 'network error'}`);
      }
      const answer = (await res.json().catch(() => undefined)) as { success?: unknown; debug_info?: { type?: unknown; message?: unknown; retriable?: unknown } } | undefined;
      if (res.ok && answer?.success === true) return { type: 'continue', state: ctx.state };
      const info = answer?.debug_info;
      const message = `Reel upload answered ${res.status}${info ? ` (${String(info.type)}): ${String(info.message)}` : ''}`;
      if (res.status === 401 || /unauthorized/i.test(String(info?.message ?? ''))) throw new PublishError('auth', 'rupload_unauthorized', message);
      throw new PublishError(info?.retriable === true || res.status >= 500 ? 'transient' : 'permanent', `rupload_http_${res.status}`, message);
    },

    async reelFinish(ctx) {
      const videoId = requireVideoId(ctx);
      const a = await post<{ success?: unknown }>(ctx, 'Reel publish', {
        upload_phase: 'finish', video_id: videoId, video_state: 'PUBLISHED', ...(ctx.text ? { description: ctx.text } : {}),
      }, true);
      if (a.success !== true) throw new PublishError('ambiguous', 'invalid_response', 'Reel publish answered without success');
      return { type: 'continue', state: { ...ctx.state, platformPostId: videoId } };
    },

    async reelStatus(ctx) {
      const s = await reelStatusOf(graph, ctx);
      const state = { ...ctx.state, platformPostId: requireVideoId(ctx) };
      if (s.video_status === 'error' || phase(s.processing_phase) === 'error' || phase(s.publishing_phase) === 'error') {
        throw new PublishError('permanent', 'reel_failed', `the Reel failed at Facebook${typeof s.error?.message === 'string' ? `: ${s.error.message}` : ''}`);
      }
      if (phase(s.publishing_phase) === 'complete') return { type: 'published', state };
      return { type: 'pending', state, pollAfterMs: options.pollIntervalMs, platformStatus: `${String(s.video_status ?? 'unknown')}/${phase(s.publishing_phase)}` };
    },
  };
}
