// Publishing on X (§1.6, §1.8) as a plan of steps:
//   prepare          prepare   records the account's newest post id: posts after it are Herald's to claim (X's ids
//                              grow with time, so no clock is compared); a duplicate of an older one is the user's
//   media.i.upload   transfer  media i through the v2 upload: initialize → append segments → finalize. The
//                              heartbeat records the media id and the next segment, so a retry after a crash goes
//                              on from the last appended segment of the same upload.
//   media.status     await     polls STATUS for video / GIF until succeeded (check_after_secs); failed → permanent
//   post             commit    POST /2/tweets with the text and media ids: the post id becomes platformPostId. Each
//                              create first holds a slot of X's windows (100 / 15 min per user, 10,000 / 24 h per
//                              app) in Herald's cross-worker quotas; a 429 anyway waits until x-rate-limit-reset
//   part.k.post      commit    follow-up part k of `options.thread`, replying to the part before; its id is
//                              recorded in state.data.parts[k], so a retry never posts a part twice
// Everything before `post` may run ahead of the due time: media ids stay usable 24 h and show nowhere until posted.
// X has no idempotency key: a create whose answer was lost is reconciled by reading the user's recent posts for the
// exact text Herald sent (and, for a part, the post it replies to). X refuses the same text twice with a 403
// "duplicate content": after a lost first try that answer means the first try went through, so the create looks the
// post up the same way and carries on with it.
import { PublishError, type Json, type MediaSource, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import type { XHttp } from './http.js';
import type { ResolvedXOptions } from './options.js';
import { threadParts } from '../shared/thread-parts.js';

interface MediaRecord { id: string; processing: boolean }
interface UploadProgress { index: number; mediaId: string; next: number }
interface PostAnswer { id?: unknown; text?: unknown; referenced_tweets?: { type?: unknown; id?: unknown }[] }
const isId = (v: unknown): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v);

const MEDIA_VALID_MS = 24 * 3600_000;
const USER_WINDOW_MS = 15 * 60_000;
const APP_WINDOW_MS = 24 * 3600_000;
const MEDIA_BASIS = 'X media upload: finalized media expire after expires_after_secs (86400, 24 h) unless posted';
const UPLOAD_STEP = /^media\.(\d+)\.upload$/;
const PART_STEP = /^part\.(\d+)\.post$/;

const recordOf = <T>(v: Json | undefined): Record<string, T> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as unknown as Record<string, T>) : {});

function categoryOf(contentType: string): string {
  if (contentType === 'image/gif') return 'tweet_gif';
  return contentType.startsWith('video/') ? 'tweet_video' : 'tweet_image';
}

async function readRange(media: MediaSource, start: number, end: number): Promise<Buffer> {
  if (!media.open) throw new PublishError('permanent', 'upload_required', 'X takes media only as uploaded bytes; this file has no stored copy');
  const chunks: Buffer[] = [];
  for await (const chunk of media.open({ start, end })) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export function createXPublish(http: XHttp, o: ResolvedXOptions): PublishProvider {
  const api = <T>(ctx: PublishContext, method: 'GET' | 'POST', path: string, what: string, extra: { json?: unknown; form?: FormData; commit?: boolean } = {}) =>
    http.api<T>({ method, path, token: ctx.account.accessToken, what, signal: ctx.signal, ...extra });

  const mediaOf = (state: PublishState) => recordOf<MediaRecord>(state.data.media);
  const partsOf = (state: PublishState) => recordOf<string>(state.data.parts);

  function textOf(ctx: PublishContext, k: number): string {
    if (k === 0) return ctx.text;
    const text = threadParts(ctx.options)[k - 1];
    if (text === undefined) throw new PublishError('permanent', 'unknown_step', `the thread has no part ${k}`);
    return text;
  }

  function parentOf(state: PublishState, k: number): string | undefined {
    if (k === 0) return undefined;
    const id = k === 1 ? state.platformPostId : partsOf(state)[k - 1];
    if (!id) throw new PublishError('permanent', 'missing_parent', `part ${k} of the thread has no published post to reply to`);
    return id;
  }

  function withPost(ctx: PublishContext, k: number, id: string): PublishState {
    if (k > 0) return { ...ctx.state, data: { ...ctx.state.data, parts: { ...partsOf(ctx.state), [k]: id } } };
    const username = typeof ctx.account.metadata.username === 'string' ? ctx.account.metadata.username : 'i/web';
    return { ...ctx.state, platformPostId: id, permalink: `https://x.com/${username}/status/${id}` };
  }

  /**
   * Posts with the exact text Herald's create k sent (and, for a part, the same parent) among the user's recent
   * posts: `ours` is one newer than the account's newest post when Herald began; `older` says an earlier one exists.
   */
  async function findPosted(ctx: PublishContext, k: number): Promise<{ ours?: string; older: boolean }> {
    const since = BigInt(isId(ctx.state.data.sinceId) ? ctx.state.data.sinceId : '0');
    const parent = parentOf(ctx.state, k);
    const text = textOf(ctx, k);
    const a = await api<{ data?: PostAnswer[] }>(ctx, 'GET', `/2/users/${ctx.account.platformAccountId}/tweets?max_results=100&tweet.fields=referenced_tweets`, 'recent posts');
    const same = (a.data ?? []).filter((p): p is PostAnswer & { id: string } => isId(p.id) && p.text === text
      && (parent === undefined || (p.referenced_tweets ?? []).some((r) => r.type === 'replied_to' && r.id === parent)));
    const ours = same.find((p) => BigInt(p.id) > since)?.id;
    return { ...(ours ? { ours } : {}), older: same.some((p) => BigInt(p.id) <= since) };
  }

  /** X's create windows, held across workers (per X user and per app) so a burst waits instead of meeting 429s. */
  async function holdCreateQuota(ctx: PublishContext, k: number): Promise<void> {
    const holdId = `${ctx.targetId}:${k}`;
    const user = await ctx.quota.acquire(`x:posts:user:${ctx.account.platformAccountId}`, { limit: o.postsPerUserWindow, windowMs: USER_WINDOW_MS, holdId });
    if (!user.ok) throw new PublishError('rate_limited', 'user_post_limit', `the X account reached ${o.postsPerUserWindow} posts in 15 minutes`, user.retryAfterMs);
    const app = await ctx.quota.acquire('x:posts:app', { limit: o.postsPerAppDay, windowMs: APP_WINDOW_MS, holdId });
    if (!app.ok) throw new PublishError('rate_limited', 'app_post_limit', `Herald's X app reached ${o.postsPerAppDay} posts in 24 hours`, app.retryAfterMs);
  }

  async function create(ctx: PublishContext, k: number): Promise<StepOutcome> {
    await holdCreateQuota(ctx, k);
    const parent = parentOf(ctx.state, k);
    const mediaIds = k === 0 ? Object.values(mediaOf(ctx.state)).map((m) => m.id) : [];
    const reply = ctx.options.replySettings;
    const body = {
      text: textOf(ctx, k),
      ...(mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}),
      ...(parent ? { reply: { in_reply_to_tweet_id: parent } } : {}),
      ...(typeof reply === 'string' ? { reply_settings: reply } : {}),
    };
    let a: { data?: { id?: unknown } };
    try {
      a = await api(ctx, 'POST', '/2/tweets', k === 0 ? 'POST /2/tweets' : `POST /2/tweets (thread part ${k})`, { json: body, commit: true });
    } catch (err) {
      if (err instanceof PublishError && err.code === 'duplicate_content') {
        // X refused the text as already posted: after a lost first try, that first try is the post.
        const found = await findPosted(ctx, k);
        if (found.ours) return { type: 'continue', state: withPost(ctx, k, found.ours) };
        if (found.older) throw new PublishError('permanent', 'duplicate_content', `${err.message} (the account posted this text before Herald began)`);
        // X knows the post but the timeline does not show it yet: nothing new was made; look (and ask) again.
        throw new PublishError('transient', 'duplicate_not_visible_yet', `${err.message}; the post is not in the account's recent posts yet`);
      }
      throw err;
    }
    const id = a.data?.id;
    if (typeof id !== 'string' || id === '') throw new PublishError('ambiguous', 'invalid_response', 'POST /2/tweets answered without a post id');
    return { type: 'continue', state: withPost(ctx, k, id) };
  }

  async function upload(ctx: PublishContext, index: number): Promise<StepOutcome> {
    if (mediaOf(ctx.state)[index]) return { type: 'continue', state: ctx.state };
    const media = ctx.media[index];
    if (!media) throw new PublishError('permanent', 'unknown_step', `the post has no media ${index}`);
    let size = media.sizeBytes;
    let fetched: Buffer | undefined;
    if (!media.open) {
      if (!media.url) throw new PublishError('permanent', 'upload_required', `media ${index} has neither stored bytes nor a URL`);
      const res = await fetch(media.url, { signal: ctx.signal });
      if (!res.ok) throw new PublishError('transient', `http_${res.status}`, `fetching media ${index} answered ${res.status}`);
      fetched = Buffer.from(await res.arrayBuffer());
      size = fetched.length;
    }
    if (size === undefined) throw new PublishError('permanent', 'size_unknown', `media ${index} has no known size`);
    const prior = ctx.progress as unknown as UploadProgress | undefined;
    let progress: UploadProgress;
    if (prior && prior.index === index && typeof prior.mediaId === 'string') {
      progress = prior;
    } else {
      const init = await api<{ data?: { id?: unknown } }>(ctx, 'POST', '/2/media/upload/initialize', 'media initialize', {
        json: { media_type: media.contentType, total_bytes: size, media_category: categoryOf(media.contentType) },
      });
      if (typeof init.data?.id !== 'string') throw new PublishError('transient', 'invalid_response', 'media initialize answered without an id');
      progress = { index, mediaId: init.data.id, next: 0 };
      ctx.heartbeat(progress as unknown as Json);
    }
    const segments = Math.max(1, Math.ceil(size / o.segmentBytes));
    for (let s = progress.next; s < segments; s++) {
      const start = s * o.segmentBytes;
      const end = Math.min(size, start + o.segmentBytes) - 1;
      const bytes = fetched ? fetched.subarray(start, end + 1) : await readRange(media, start, end);
      const form = new FormData();
      form.set('segment_index', String(s));
      form.set('media', new Blob([bytes], { type: 'application/octet-stream' }), 'segment');
      await api(ctx, 'POST', `/2/media/upload/${progress.mediaId}/append`, `media append (segment ${s})`, { form });
      progress = { ...progress, next: s + 1 };
      ctx.heartbeat(progress as unknown as Json);
    }
    const fin = await api<{ data?: { processing_info?: { state?: unknown } } }>(ctx, 'POST', `/2/media/upload/${progress.mediaId}/finalize`, 'media finalize');
    const state = fin.data?.processing_info?.state;
    const record: MediaRecord = { id: progress.mediaId, processing: state !== undefined && state !== 'succeeded' };
    return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, media: { ...mediaOf(ctx.state), [index]: record } as unknown as Json } } };
  }

  async function mediaStatus(ctx: PublishContext): Promise<StepOutcome> {
    const all = mediaOf(ctx.state);
    let done = { ...all };
    for (const [index, m] of Object.entries(all)) {
      if (!m.processing) continue;
      const a = await api<{ data?: { processing_info?: { state?: unknown; check_after_secs?: unknown; error?: { message?: unknown } } } }>(
        ctx, 'GET', `/2/media/upload?command=STATUS&media_id=${m.id}`, 'media status');
      const info = a.data?.processing_info;
      if (info?.state === 'failed') throw new PublishError('permanent', 'media_processing_failed', `X could not process media ${index}${typeof info.error?.message === 'string' ? `: ${info.error.message}` : ''}`);
      if (info !== undefined && info.state !== 'succeeded') {
        const wait = typeof info.check_after_secs === 'number' ? info.check_after_secs * 1000 : 5000;
        return { type: 'pending', state: ctx.state, pollAfterMs: wait, platformStatus: String(info.state) };
      }
      done = { ...done, [index]: { ...m, processing: false } };
    }
    return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, media: done as unknown as Json } } };
  }

  const absence = {
    kind: 'settle_window', ...o.settleWindow,
    basis: 'X documents no idempotency key and no deadline for POST /2/tweets: a slow create may still land',
  } as const;
  const stage = { validForMs: MEDIA_VALID_MS, basis: MEDIA_BASIS };

  return {
    plan(target) {
      const parts = threadParts(target.options).length;
      return [
        { name: 'prepare', kind: 'prepare', status: 'preparing', stage },
        ...target.media.map((_, i): PublishStepSpec => ({ name: `media.${i}.upload`, kind: 'transfer', status: 'uploading', stage })),
        ...(target.media.some((m) => m.contentType === 'image/gif' || m.contentType.startsWith('video/'))
          ? [{ name: 'media.status', kind: 'await', status: 'processing', stage } satisfies PublishStepSpec] : []),
        { name: 'post', kind: 'commit', status: 'submitting', absence },
        ...Array.from({ length: parts }, (_, i): PublishStepSpec => ({ name: `part.${i + 1}.post`, kind: 'commit', status: 'submitting', absence })),
      ];
    },

    async runStep(step, ctx) {
      if (step === 'prepare') {
        if (isId(ctx.state.data.sinceId)) return { type: 'continue', state: ctx.state };
        const a = await api<{ meta?: { newest_id?: unknown } }>(ctx, 'GET', `/2/users/${ctx.account.platformAccountId}/tweets?max_results=5`, 'newest post');
        const sinceId = isId(a.meta?.newest_id) ? a.meta.newest_id : '0';
        return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, sinceId } } };
      }
      if (step === 'media.status') return mediaStatus(ctx);
      if (step === 'post') return create(ctx, 0);
      const u = UPLOAD_STEP.exec(step);
      if (u) return upload(ctx, Number(u[1]));
      const p = PART_STEP.exec(step);
      if (p) return create(ctx, Number(p[1]));
      throw new PublishError('permanent', 'unknown_step', `x has no publish step ${step}`);
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      const k = step === 'post' ? 0 : Number(PART_STEP.exec(step)?.[1] ?? -1);
      if (k < 0) throw new PublishError('permanent', 'unknown_step', `x has no commit step ${step}`);
      const { ours } = await findPosted(ctx, k);
      return ours ? { type: 'applied', state: withPost(ctx, k, ours) } : { type: 'not_applied' };
    },
  };
}
