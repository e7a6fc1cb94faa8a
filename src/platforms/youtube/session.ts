// One resumable upload session (§3.5) as the publish steps use it: created with the video's metadata (the upload
// charged to the project's daily quota first), asked where it stands (`bytes */N`), and sent chunks. The session URI
// is a capability: it lives in the target's sealed secrets (ctx.secrets), never in PublishState, heartbeats or
// messages; it is stored before any byte is sent.
import { PublishError, type MediaSource, type PublishContext } from '../provider.js';
import { PACIFIC_TIME, zonedDay } from '../shared/zoned-day.js';
import { googleError, type PutAnswer, type YoutubeHttp } from './http.js';
import type { ResolvedYoutubeOptions } from './options.js';
import { targetOptionsOf } from './target.js';

export const SESSION_SECRET = 'upload_session';
const DAY_MS = 86_400_000;

/** Where a session stands: bytes it holds (`received`), or the video it made. */
export type SessionStanding = { type: 'incomplete'; received: number } | { type: 'complete'; videoId: string } | { type: 'gone' };

export interface UploadedVideo { id: string }

export function videoOf(body: unknown): UploadedVideo | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? { id } : undefined;
}

/** `Range: bytes=0-x` → x + 1; absent → 0 (§3.5: nothing stored yet). */
export function receivedOf(answer: PutAnswer): number {
  const range = answer.headers.range;
  const m = typeof range === 'string' ? /^bytes=0-(\d+)$/.exec(range) : null;
  return m ? Number(m[1]) + 1 : 0;
}

export function standingOf(answer: PutAnswer, what: string): SessionStanding {
  if (answer.status === 308) return { type: 'incomplete', received: receivedOf(answer) };
  if (answer.status === 200 || answer.status === 201) {
    const video = videoOf(answer.body);
    if (!video) throw new PublishError('transient', 'invalid_response', `${what} answered ${answer.status} without a video id`);
    return { type: 'complete', videoId: video.id };
  }
  if (answer.status === 404 || answer.status === 410) return { type: 'gone' };
  throw googleError(answer.status, answer.body, what);
}

export function quotaKeys(o: ResolvedYoutubeOptions) {
  return { uploads: `youtube:uploads:${o.clientId}`, units: `youtube:units:${o.clientId}` };
}

/**
 * Holds one upload of the project's Pacific day in Herald's cross-worker quota (and its units, where uploads draw
 * units too). At the limit the target waits for the reset at midnight Pacific Time and says so.
 */
export async function holdUploadQuota(ctx: PublishContext, o: ResolvedYoutubeOptions, holdId: string): Promise<void> {
  const day = zonedDay(PACIFIC_TIME);
  const keys = quotaKeys(o);
  const waitMessage = (what: string) => `YouTube's daily ${what} for Herald's Google Cloud project is used up; the video waits for the reset at midnight Pacific Time (${new Date(day.end).toISOString()})`;
  const uploads = await ctx.quota.acquire(keys.uploads, { limit: o.dailyUploads, windowMs: 2 * DAY_MS, fixedWindow: day, holdId });
  if (!uploads.ok) throw new PublishError('rate_limited', 'quotaExceeded', waitMessage(`videos.insert quota (${o.dailyUploads} uploads)`), uploads.retryAfterMs);
  if (o.uploadCostUnits > 0) {
    const units = await ctx.quota.acquire(keys.units, { limit: o.dailyQuotaUnits, windowMs: 2 * DAY_MS, fixedWindow: day, holdId, count: o.uploadCostUnits });
    if (!units.ok) {
      await ctx.quota.release(keys.uploads, holdId);
      throw new PublishError('rate_limited', 'quotaExceeded', waitMessage(`quota (${o.dailyQuotaUnits} units; an upload costs ${o.uploadCostUnits})`), units.retryAfterMs);
    }
  }
}

/** Holds `units` of the project's daily units for one call (e.g. thumbnails.set: 50); at the limit, waits for the reset. */
export async function holdUnits(ctx: PublishContext, o: ResolvedYoutubeOptions, holdId: string, units: number, what: string): Promise<void> {
  const day = zonedDay(PACIFIC_TIME);
  const got = await ctx.quota.acquire(quotaKeys(o).units, { limit: o.dailyQuotaUnits, windowMs: 2 * DAY_MS, fixedWindow: day, holdId, count: units });
  if (!got.ok) {
    throw new PublishError('rate_limited', 'quotaExceeded', `YouTube's daily quota for Herald's Google Cloud project (${o.dailyQuotaUnits} units) has no ${units} units left for ${what}; it waits for the reset at midnight Pacific Time (${new Date(day.end).toISOString()})`, got.retryAfterMs);
  }
}

/**
 * When YouTube should publish the video itself: the due time, for a public video uploaded before it (staged, or
 * started in the second before the due instant), so that it never shows early. Undefined (due time passed):
 * published as the options say once processed.
 */
export function publishAtOf(ctx: Pick<PublishContext, 'options' | 'dueAt'>, now = Date.now()): string | undefined {
  const options = targetOptionsOf(ctx.options);
  if (!options || options.privacy !== 'public' || !ctx.dueAt) return undefined;
  const due = Date.parse(ctx.dueAt);
  return due > now ? new Date(due).toISOString() : undefined;
}

export function videoMetadata(ctx: PublishContext, publishAt?: string) {
  const options = targetOptionsOf(ctx.options);
  if (!options) throw new PublishError('permanent', 'invalid_options', 'the YouTube target options no longer pass validation');
  return {
    snippet: {
      title: options.title, description: options.description ?? ctx.text,
      ...(options.tags && options.tags.length > 0 ? { tags: options.tags } : {}), categoryId: options.categoryId,
    },
    // §3.6: publishAt only on a private video; YouTube makes it public at that instant.
    status: publishAt
      ? { privacyStatus: 'private', publishAt, selfDeclaredMadeForKids: options.madeForKids }
      : { privacyStatus: options.privacy, selfDeclaredMadeForKids: options.madeForKids },
  };
}

export function videoFile(ctx: PublishContext): MediaSource & { sizeBytes: number; open: NonNullable<MediaSource['open']> } {
  const media = ctx.media[0];
  if (!media?.open || media.sizeBytes === undefined) throw new PublishError('permanent', 'upload_required', 'YouTube takes the video as uploaded bytes: the post needs an uploaded video file');
  return media as MediaSource & { sizeBytes: number; open: NonNullable<MediaSource['open']> };
}

export class UploadSessions {
  constructor(private readonly http: YoutubeHttp, private readonly o: ResolvedYoutubeOptions) {}

  /** Opens a new session (quota held first, under `holdId`) and stores its URI before anything is sent to it. */
  async open(ctx: PublishContext, holdId: string, publishAt: string | undefined): Promise<string> {
    const file = videoFile(ctx);
    await holdUploadQuota(ctx, this.o, holdId);
    const { headers } = await this.http.call({
      method: 'POST', path: '/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status', token: ctx.account.accessToken,
      json: videoMetadata(ctx, publishAt), headers: { 'x-upload-content-length': String(file.sizeBytes), 'x-upload-content-type': file.contentType },
      signal: ctx.signal, what: 'videos.insert (resumable session)',
    });
    const location = headers.get('location');
    if (!location) throw new PublishError('transient', 'invalid_response', 'videos.insert answered without a session Location');
    await ctx.secrets.put(SESSION_SECRET, location);
    return location;
  }

  async standing(ctx: PublishContext, uri: string, total: number): Promise<SessionStanding> {
    const answer = await this.http.put(uri, undefined, { authorization: `Bearer ${ctx.account.accessToken}`, 'content-length': '0', 'content-range': `bytes */${total}` }, ctx.signal);
    return standingOf(answer, 'upload session status');
  }

  /** Sends bytes [first, last] of the file to the session. */
  send(ctx: PublishContext, uri: string, first: number, last: number): Promise<PutAnswer> {
    const file = videoFile(ctx);
    return this.http.put(uri, file.open({ start: first, end: last }), {
      authorization: `Bearer ${ctx.account.accessToken}`, 'content-type': file.contentType, 'content-length': String(last - first + 1), 'content-range': `bytes ${first}-${last}/${file.sizeBytes}`,
    }, ctx.signal);
  }
}
