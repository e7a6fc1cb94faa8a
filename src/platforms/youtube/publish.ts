// Publishing a video to YouTube (§3.5-3.7) as a plan of steps:
//   session     prepare   opens the resumable upload session (videos.insert with the metadata, after holding one
//                         upload of the project's daily quota); its URI goes into the target's sealed secrets
//                         before any byte is sent
//   upload      transfer  every byte but the last chunk, in chunks of YOUTUBE_CHUNK_BYTES (multiples of 256 KiB)
//                         with exact Content-Range, going on from where the session says it stands (308 Range), so
//                         after any interruption (a cut chunk, a worker that died) the retry asks with `bytes */N`
//                         and continues; a session that expired (404) is replaced by a new one, from byte 0
//   complete    commit    the final chunk (at most 256 KiB): completing the upload is what creates the video
//   processing  await     videos.list until uploadStatus is processed; failed / rejected end the target with
//                         YouTube's failureReason / rejectionReason as its error code
//   thumbnail   prepare   (with options.thumbnail) thumbnails.set with the uploaded image, its 50 units held in the
//                         project's daily quota first; setting it again is harmless
// After an ambiguous final chunk, `reconcile` asks the session first: a finished session answers the video
// (applied); 308 means it did not complete, and sending to the same session again can only complete that one upload,
// so absence is proven at once. A session that is gone leaves the channel's recent uploads, searched for the exact
// title and description; nothing found is `unknown` (needs_review): never a second upload of the same post.
// Staging: a public video is uploaded ahead of the due time (STAGING_LEAD_SECONDS, more for large files) as private
// with status.publishAt = the due time, so YouTube itself publishes it on the second: session, upload and the final
// chunk are the staged prefix (the commit's effect waits for YouTube's clock, ScheduledCommitStaging); processing
// runs at the due instant. A reschedule moves publishAt (videos.update); edited or cancelled, the staged video is
// deleted, or on a cancel that asks to keep it, left private without publishAt. Unlisted and private videos (which
// publishAt cannot apply to) are not staged.
import { PublishError, type Json, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import type { PutAnswer, YoutubeHttp } from './http.js';
import { CHUNK_MULTIPLE, type ResolvedYoutubeOptions } from './options.js';
import { holdUnits, publishAtOf, SESSION_SECRET, standingOf, UploadSessions, videoFile, videoMetadata, type SessionStanding } from './session.js';
import { targetOptionsOf } from './target.js';

interface UploadProgress { sessions: number; next: number }
const MAX_RESYNCS = 3;
const MAX_REOPENS = 2;
const THUMBNAIL_TYPES = ['image/jpeg', 'image/png'];
const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;
/** §3.6/§3.9: thumbnails.set, videos.update and videos.delete cost 50 units each (UNCONFIRMED in the current table). */
const THUMBNAIL_COST_UNITS = 50;
const UPDATE_COST_UNITS = 50;
/** What a staged upload leaves is a private video YouTube publishes at publishAt: it does not expire. */
const STAGED_VALID_MS = 365 * 86_400_000;
const STAGED_BASIS = 'YouTube keeps a private video with status.publishAt and makes it public at that time itself (videos resource, status.publishAt); until then nobody else sees it';
const publishAtOfState = (state: PublishState): string | undefined => (typeof state.data.publishAt === 'string' ? state.data.publishAt : undefined);
/** The session's own clock and ours may differ: an upload found in the channel may be this much older than the session. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** Where the final chunk begins: the last 256 KiB boundary before the end (0 for a file of one chunk). */
export function finalChunkStart(total: number): number {
  return Math.max(0, Math.ceil(total / CHUNK_MULTIPLE) - 1) * CHUNK_MULTIPLE;
}

const num = (v: Json | undefined, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export function createYoutubePublish(http: YoutubeHttp, o: ResolvedYoutubeOptions): PublishProvider {
  const sessions = new UploadSessions(http, o);
  const holdId = (ctx: PublishContext, n: number) => `${ctx.targetId}:session:${n}`;

  const published = (state: PublishState, videoId: string): PublishState => ({
    ...state, platformPostId: videoId, permalink: `https://www.youtube.com/watch?v=${videoId}`,
  });

  /**
   * Sends bytes from where the session stands up to `until` (exclusive), in chunks; opens a new session when the
   * current one is gone. Answers the session's standing at the end and the sessions opened so far.
   */
  async function sendUpTo(ctx: PublishContext, until: number, start: { uri: string | undefined; sessions: number }): Promise<{ uri: string; sessions: number; standing: SessionStanding }> {
    const total = videoFile(ctx).sizeBytes;
    let { uri, sessions: opened } = start;
    let reopens = 0;
    const reopen = async () => {
      if (reopens++ >= MAX_REOPENS) throw new PublishError('transient', 'upload_session_lost', `opened ${MAX_REOPENS} new upload sessions in one attempt and lost them all`);
      uri = await sessions.open(ctx, holdId(ctx, opened), publishAtOfState(ctx.state));
      opened += 1;
      ctx.heartbeat({ sessions: opened, next: 0 });
    };
    if (!uri) await reopen();
    let standing = await sessions.standing(ctx, uri!, total);
    for (let resyncs = 0; ;) {
      if (standing.type === 'gone') {
        await reopen();
        standing = { type: 'incomplete', received: 0 };
      }
      if (standing.type === 'complete' || standing.received >= until) return { uri: uri!, sessions: opened, standing };
      const first = standing.received;
      const last = Math.min(first + o.chunkBytes, until) - 1;
      const answer = await sessions.send(ctx, uri!, first, last);
      if (answer.status === 400 && resyncs < MAX_RESYNCS) {
        // Out of step with the session (a chunk's answer was lost): ask where it stands.
        resyncs += 1;
        standing = await sessions.standing(ctx, uri!, total);
        continue;
      }
      standing = standingOf(answer, `upload chunk bytes ${first}-${last}`);
      if (standing.type === 'incomplete') {
        if (standing.received <= first) throw new PublishError('transient', 'upload_stalled', `the upload session kept none of bytes ${first}-${last}`);
        resyncs = 0;
        ctx.heartbeat({ sessions: opened, next: standing.received } satisfies UploadProgress as unknown as Json);
      }
    }
  }

  async function openSession(ctx: PublishContext): Promise<StepOutcome> {
    const total = videoFile(ctx).sizeBytes;
    let uri = await ctx.secrets.get(SESSION_SECRET);
    // A retry of this step after the session was stored: keep the session if it is still there.
    if (uri && (await sessions.standing(ctx, uri, total)).type === 'gone') uri = undefined;
    // Decided once, here: every session of this upload carries the same publishAt.
    const publishAt = publishAtOf(ctx);
    if (!uri) await sessions.open(ctx, holdId(ctx, 0), publishAt);
    return {
      type: 'continue',
      state: { ...ctx.state, data: { ...ctx.state.data, sessions: num(ctx.state.data.sessions, 1), openedAt: new Date().toISOString(), ...(publishAt ? { publishAt } : {}) } },
    };
  }

  async function upload(ctx: PublishContext): Promise<StepOutcome> {
    const total = videoFile(ctx).sizeBytes;
    const progress = ctx.progress as unknown as Partial<UploadProgress> | undefined;
    const opened = Math.max(num(ctx.state.data.sessions, 1), num(progress?.sessions as Json | undefined, 0));
    const result = await sendUpTo(ctx, finalChunkStart(total), { uri: await ctx.secrets.get(SESSION_SECRET), sessions: opened });
    return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, sessions: result.sessions } } };
  }

  async function complete(ctx: PublishContext): Promise<StepOutcome> {
    const total = videoFile(ctx).sizeBytes;
    const done = async (videoId: string): Promise<StepOutcome> => {
      await ctx.secrets.delete(SESSION_SECRET);
      return { type: 'continue', state: published(ctx.state, videoId) };
    };
    let prior: Awaited<ReturnType<typeof sendUpTo>>;
    try {
      // Normally only the status question: the upload step left exactly the final chunk.
      prior = await sendUpTo(ctx, finalChunkStart(total), { uri: await ctx.secrets.get(SESSION_SECRET), sessions: num(ctx.state.data.sessions, 1) });
    } catch (err) {
      // Nothing of the final chunk has been sent yet: whatever failed, no video can have been made.
      if (err instanceof PublishError && err.kind === 'ambiguous') throw new PublishError('transient', err.code, err.message);
      throw err;
    }
    if (prior.standing.type === 'complete') return done(prior.standing.videoId);
    const first = prior.standing.type === 'incomplete' ? prior.standing.received : 0;
    let answer: PutAnswer;
    try {
      answer = await sessions.send(ctx, prior.uri, first, total - 1);
    } catch (err) {
      const notSent = (err as { notSent?: boolean }).notSent === true;
      if (err instanceof PublishError && !notSent) throw new PublishError('ambiguous', err.code, `final chunk: ${err.message}`);
      throw err;
    }
    if (answer.status >= 500) throw new PublishError('ambiguous', `http_${answer.status}`, `final chunk answered ${answer.status}`);
    const standing = standingOf(answer, 'final chunk');
    if (standing.type === 'complete') return done(standing.videoId);
    // 308 or 404: the session did not complete, so no video was made; the next send asks the session again.
    throw new PublishError('transient', standing.type === 'gone' ? 'upload_session_expired' : 'upload_incomplete', `the final chunk left the upload ${standing.type === 'gone' ? 'session gone' : 'incomplete'}`);
  }

  /** The channel's recent uploads with exactly this title and description, made after the session was opened. */
  async function findUpload(ctx: PublishContext): Promise<{ found?: string; evidence: string }> {
    const channels = await http.api<{ items?: { contentDetails?: { relatedPlaylists?: { uploads?: unknown } } }[] }>({
      method: 'GET', path: '/youtube/v3/channels?mine=true&part=contentDetails', token: ctx.account.accessToken, signal: ctx.signal, what: 'channels.list (uploads playlist)',
    });
    const playlist = channels.items?.[0]?.contentDetails?.relatedPlaylists?.uploads;
    if (typeof playlist !== 'string') return { evidence: 'the channel names no uploads playlist' };
    const items = await http.api<{ items?: { snippet?: { title?: unknown; description?: unknown; publishedAt?: unknown; resourceId?: { videoId?: unknown } } }[] }>({
      method: 'GET', path: `/youtube/v3/playlistItems?part=snippet&maxResults=50&playlistId=${encodeURIComponent(playlist)}`, token: ctx.account.accessToken, signal: ctx.signal, what: 'playlistItems.list (recent uploads)',
    });
    const meta = videoMetadata(ctx, publishAtOfState(ctx.state)).snippet;
    const since = Date.parse(String(ctx.state.data.openedAt ?? '')) - CLOCK_SLACK_MS;
    const matches = (items.items ?? []).filter((i) => i.snippet?.title === meta.title && i.snippet.description === meta.description
      && (Number.isNaN(since) || Date.parse(String(i.snippet.publishedAt)) >= since));
    const id = matches[0]?.snippet?.resourceId?.videoId;
    if (matches.length === 1 && typeof id === 'string') return { found: id, evidence: `found video ${id} among the channel's recent uploads` };
    return { evidence: matches.length > 1 ? `${matches.length} recent uploads carry this title and description` : `none of the channel's ${items.items?.length ?? 0} most recent uploads carries this title and description` };
  }

  return {
    plan(target) {
      // Only a public video can wait for YouTube's publishAt (§3.6: publishAt needs a private video made public then).
      const staged = (targetOptionsOf(target.options)?.privacy ?? 'public') === 'public';
      const stage = staged ? { validForMs: STAGED_VALID_MS, basis: STAGED_BASIS } : undefined;
      return [
        { name: 'session', kind: 'prepare', status: 'preparing', ...(stage ? { stage } : {}) },
        { name: 'upload', kind: 'transfer', status: 'uploading', ...(stage ? { stage } : {}) },
        {
          name: 'complete', kind: 'commit', status: 'submitting',
          absence: { kind: 'immediate', basis: 'the final chunk goes to a resumable upload session that answers where it stands (bytes */N): one that did not complete answers 308, and sending to it again can only complete that one upload, never make a second video' },
          ...(stage ? { stage: { ...stage, scheduled: true as const } } : {}),
        },
        { name: 'processing', kind: 'await', status: 'processing' },
        ...(typeof target.options.thumbnail === 'string' ? [{ name: 'thumbnail', kind: 'prepare', status: 'processing' } satisfies PublishStepSpec] : []),
      ];
    },

    async runStep(step, ctx) {
      switch (step) {
        case 'session':
          return openSession(ctx);
        case 'upload':
          return upload(ctx);
        case 'complete':
          return complete(ctx);
        case 'processing':
          return processing(ctx);
        case 'thumbnail':
          return thumbnail(ctx);
        default:
          throw new PublishError('permanent', 'unknown_step', `youtube has no publish step ${step}`);
      }
    },

    async rescheduleStaged(ctx, dueAt) {
      const id = ctx.state.platformPostId;
      if (!id) return;
      await holdUnits(ctx, o, `${ctx.targetId}:reschedule:${dueAt}`, UPDATE_COST_UNITS, 'videos.update');
      await http.api({
        method: 'PUT', path: '/youtube/v3/videos?part=status', token: ctx.account.accessToken, signal: ctx.signal, what: 'videos.update (publishAt)',
        json: { id, status: { privacyStatus: 'private', publishAt: new Date(dueAt).toISOString(), selfDeclaredMadeForKids: targetOptionsOf(ctx.options)?.madeForKids ?? false } },
      });
    },

    async discardStaged(ctx, opts) {
      const id = ctx.state.platformPostId;
      if (!id) {
        // Only a session with part of the bytes: it makes nothing on its own and expires.
        await ctx.secrets.delete(SESSION_SECRET);
        return;
      }
      await holdUnits(ctx, o, `${ctx.targetId}:discard:${id}`, UPDATE_COST_UNITS, opts?.keep ? 'videos.update' : 'videos.delete');
      if (opts?.keep) {
        // Kept as the user asked: private, and no longer scheduled (a status without publishAt clears it).
        await http.api({
          method: 'PUT', path: '/youtube/v3/videos?part=status', token: ctx.account.accessToken, signal: ctx.signal, what: 'videos.update (unschedule)',
          json: { id, status: { privacyStatus: 'private', selfDeclaredMadeForKids: targetOptionsOf(ctx.options)?.madeForKids ?? false } },
        });
        return;
      }
      try {
        await http.api({ method: 'DELETE', path: `/youtube/v3/videos?id=${encodeURIComponent(id)}`, token: ctx.account.accessToken, signal: ctx.signal, what: 'videos.delete' });
      } catch (err) {
        // Already gone: nothing left to remove.
        if (!(err instanceof PublishError && err.code === 'videoNotFound')) throw err;
      }
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      if (step !== 'complete') return { type: 'unknown', evidence: `step ${step} is not a commit step of youtube` };
      const uri = await ctx.secrets.get(SESSION_SECRET);
      if (uri) {
        const standing = await sessions.standing(ctx, uri, videoFile(ctx).sizeBytes);
        if (standing.type === 'complete') {
          await ctx.secrets.delete(SESSION_SECRET);
          return { type: 'applied', state: published(ctx.state, standing.videoId) };
        }
        if (standing.type === 'incomplete') return { type: 'not_applied' };
      }
      const { found, evidence } = await findUpload(ctx);
      if (found) return { type: 'applied', state: published(ctx.state, found) };
      return {
        type: 'unknown',
        evidence: `the upload session is ${uri ? 'gone (expired)' : 'no longer on record'}, so it cannot say whether the final chunk completed; ${evidence}. Not uploaded again: check the channel's uploads in YouTube Studio`,
      };
    },
  };

  async function processing(ctx: PublishContext): Promise<StepOutcome> {
    const id = ctx.state.platformPostId;
    if (!id) throw new PublishError('permanent', 'missing_video', 'no uploaded video to follow');
    const list = await http.api<{ items?: { status?: { uploadStatus?: unknown; failureReason?: unknown; rejectionReason?: unknown } }[] }>({
      method: 'GET', path: `/youtube/v3/videos?id=${encodeURIComponent(id)}&part=status,processingDetails`, token: ctx.account.accessToken, signal: ctx.signal, what: 'videos.list (processing)',
    });
    const status = list.items?.[0]?.status;
    const upload = typeof status?.uploadStatus === 'string' ? status.uploadStatus : undefined;
    if (upload === 'processed') {
      // Uploaded ahead with publishAt: live once YouTube's clock reaches it.
      const until = Date.parse(String(ctx.state.data.publishAt ?? '')) - Date.now();
      if (until > 0) return { type: 'pending', state: ctx.state, pollAfterMs: Math.min(o.processingPollMs, until), platformStatus: 'scheduled' };
      // With a thumbnail to set, the plan goes on to it.
      return { type: typeof ctx.options.thumbnail === 'string' ? 'continue' : 'published', state: ctx.state };
    }
    if (upload === 'failed') {
      const reason = typeof status?.failureReason === 'string' ? status.failureReason : 'failed';
      throw new PublishError('permanent', reason, `YouTube could not process the video (uploadStatus failed, failureReason ${reason})`);
    }
    if (upload === 'rejected') {
      const reason = typeof status?.rejectionReason === 'string' ? status.rejectionReason : 'rejected';
      throw new PublishError('permanent', reason, `YouTube rejected the video (uploadStatus rejected, rejectionReason ${reason})`);
    }
    if (upload === 'deleted') throw new PublishError('permanent', 'deleted', 'the video was deleted on YouTube while it was processing');
    // `uploaded` (processing), or not listed yet.
    return { type: 'pending', state: ctx.state, pollAfterMs: o.processingPollMs, platformStatus: upload ?? 'not_listed_yet' };
  }

  async function thumbnail(ctx: PublishContext): Promise<StepOutcome> {
    const id = ctx.state.platformPostId;
    const mediaId = ctx.options.thumbnail;
    if (!id || typeof mediaId !== 'string') throw new PublishError('permanent', 'missing_video', 'no video to set a thumbnail on');
    const image = await ctx.mediaById?.(mediaId);
    const live = `the video is live at ${ctx.state.permalink ?? id}, but its thumbnail was not set`;
    if (!image?.open) throw new PublishError('permanent', 'thumbnail_missing', `thumbnail ${mediaId} is not an uploaded file of this user: ${live}`);
    if (!THUMBNAIL_TYPES.includes(image.contentType) || (image.sizeBytes ?? 0) > MAX_THUMBNAIL_BYTES) {
      throw new PublishError('permanent', 'thumbnail_invalid', `a thumbnail is a JPEG or PNG of at most 2 MB (this one: ${image.contentType}, ${image.sizeBytes ?? '?'} bytes): ${live}`);
    }
    await holdUnits(ctx, o, `${ctx.targetId}:thumbnail`, THUMBNAIL_COST_UNITS, 'thumbnails.set');
    const chunks: Buffer[] = [];
    for await (const chunk of image.open()) chunks.push(Buffer.from(chunk as Buffer));
    try {
      await http.api({
        method: 'POST', path: `/upload/youtube/v3/thumbnails/set?videoId=${encodeURIComponent(id)}`, token: ctx.account.accessToken,
        body: Buffer.concat(chunks), contentType: image.contentType, signal: ctx.signal, what: 'thumbnails.set',
      });
    } catch (err) {
      if (err instanceof PublishError && err.kind === 'permanent') throw new PublishError('permanent', err.code, `${err.message}: ${live}`);
      throw err;
    }
    return { type: 'published', state: ctx.state };
  }
}
