// The `init` step (commit): the call that creates the TikTok publish (§1.8 direct video, §1.9 inbox video, §1.10
// photos). Before it leaves, the cross-worker quotas are taken, so parallel targets of one account never exceed
// TikTok's limits together:
//   tiktok:init:<account>           6 per 60 s (TikTok: 6 init requests per minute per user token);
//   tiktok:inbox-pending:<account>  5 pending per 24 h, inbox only, held under the target id until the share is
//                                   posted or fails (TikTok: at most 5 pending shares in any 24 h).
// A miss is rate_limited with the quota's wait. The answer's publish_id goes to `state.publishId`; for
// FILE_UPLOAD, the chunk plan goes to `state.data` and the upload_url to the target's secrets for the upload step.
import { randomUUID } from 'node:crypto';
import { PublishError, type Json, type MediaSource, type PublishContext, type PublishState, type StepOutcome } from '../provider.js';
import { planChunks, type ChunkPlan } from './chunk-plan.js';
import { idString } from './json.js';
import { creatorFacts, uploadUrlSecret } from './publish-state.js';
import { inboxPendingQuotaKey, initQuotaKey, shapeFor, targetOptions, type StepDeps } from './step-context.js';
import type { PublishShape, TiktokTargetOptions } from './target-options.js';

export const INIT_LIMIT = { limit: 6, windowMs: 60_000 };
export const INBOX_PENDING_LIMIT = { limit: 5, windowMs: 24 * 3_600_000 };
/** upload_url lifetime (§1.8). Only used to re-initialise ahead of a certain 403; a 403 is handled anyway. */
export const UPLOAD_URL_TTL_MS = 3_600_000;

export interface InitResult {
  publishId: string;
  uploadUrl?: string;
  chunkPlan?: ChunkPlan;
}

async function takeQuotas(ctx: PublishContext, shape: PublishShape): Promise<void> {
  if (shape.mode === 'inbox') {
    const pending = await ctx.quota.acquire(inboxPendingQuotaKey(ctx.account.id), { ...INBOX_PENDING_LIMIT, holdId: ctx.targetId, pendingOnly: true });
    if (!pending.ok) {
      throw new PublishError('rate_limited', 'inbox_pending_quota',
        `this TikTok account already has ${INBOX_PENDING_LIMIT.limit} inbox shares pending from the last 24 h`, pending.retryAfterMs);
    }
  }
  // Every init request counts, retries included: each is one request TikTok counts.
  const init = await ctx.quota.acquire(initQuotaKey(ctx.account.id), { ...INIT_LIMIT, holdId: `${ctx.targetId}:${randomUUID()}` });
  if (!init.ok) {
    throw new PublishError('rate_limited', 'init_quota', `TikTok allows ${INIT_LIMIT.limit} publish inits per minute per account`, init.retryAfterMs);
  }
}

async function measure(media: MediaSource): Promise<number> {
  let n = 0;
  for await (const chunk of media.open!() as AsyncIterable<Buffer>) n += chunk.length;
  return n;
}

function videoPostInfo(ctx: PublishContext, o: TiktokTargetOptions): Record<string, Json> {
  const creator = creatorFacts(ctx.state);
  return {
    ...(ctx.text !== '' ? { title: ctx.text } : {}),
    ...(o.privacyLevel ? { privacy_level: o.privacyLevel } : {}),
    // Unset interactions follow the creator's own settings (TikTok refuses enabling what the creator disabled).
    disable_comment: o.disableComment ?? creator.creatorCommentDisabled ?? false,
    disable_duet: o.disableDuet ?? creator.creatorDuetDisabled ?? false,
    disable_stitch: o.disableStitch ?? creator.creatorStitchDisabled ?? false,
    ...(o.videoCoverTimestampMs !== undefined ? { video_cover_timestamp_ms: o.videoCoverTimestampMs } : {}),
    brand_content_toggle: o.brandContentToggle ?? false,
    brand_organic_toggle: o.brandOrganicToggle ?? false,
    ...(o.isAigc !== undefined ? { is_aigc: o.isAigc } : {}),
  };
}

async function videoSourceInfo(deps: StepDeps, ctx: PublishContext, shape: PublishShape): Promise<{ body: Record<string, Json>; plan?: ChunkPlan }> {
  const media = ctx.media[0];
  if (!media) throw new PublishError('permanent', 'media_missing', 'a TikTok video post needs one video');
  if (shape.source === 'PULL_FROM_URL') return { body: { source: 'PULL_FROM_URL', video_url: media.url! } };
  if (!media.open) {
    throw new PublishError('permanent', 'verified_url_prefix', 'the video is a URL outside the verified prefixes: TikTok cannot pull it and Herald has no bytes to upload');
  }
  const size = media.sizeBytes ?? await measure(media);
  let plan: ChunkPlan;
  try {
    plan = planChunks(size, deps.options.chunkSizeBytes);
  } catch (err) {
    throw new PublishError('permanent', 'invalid_video_size', err instanceof Error ? err.message : String(err));
  }
  return {
    body: { source: 'FILE_UPLOAD', video_size: plan.videoSize, chunk_size: plan.chunkSize, total_chunk_count: plan.totalChunkCount },
    plan,
  };
}

function photoBody(ctx: PublishContext, o: TiktokTargetOptions, shape: PublishShape): Record<string, Json> {
  const urls = ctx.media.map((m) => m.url);
  if (urls.some((u) => !u)) throw new PublishError('permanent', 'photo_url_required', 'TikTok only pulls photos from URLs');
  const direct = shape.mode === 'direct';
  return {
    media_type: 'PHOTO',
    post_mode: direct ? 'DIRECT_POST' : 'MEDIA_UPLOAD',
    post_info: {
      ...(o.title !== undefined ? { title: o.title } : {}),
      ...(ctx.text !== '' ? { description: ctx.text } : {}),
      ...(direct ? {
        ...(o.privacyLevel ? { privacy_level: o.privacyLevel } : {}),
        disable_comment: o.disableComment ?? creatorFacts(ctx.state).creatorCommentDisabled ?? false,
        ...(o.autoAddMusic !== undefined ? { auto_add_music: o.autoAddMusic } : {}),
        ...(o.brandContentToggle !== undefined ? { brand_content_toggle: o.brandContentToggle } : {}),
        ...(o.brandOrganicToggle !== undefined ? { brand_organic_toggle: o.brandOrganicToggle } : {}),
      } : {}),
    },
    source_info: { source: 'PULL_FROM_URL', photo_images: urls as string[], photo_cover_index: o.photoCoverIndex ?? 0 },
  };
}

/**
 * Creates a TikTok publish. `commit` is true for the plan's commit step; the upload step re-initialises with
 * `commit: false`, because a FILE_UPLOAD init can never post by itself (see reconcile in publish.ts), so a lost
 * answer there is simply retried.
 */
export async function initPublish(deps: StepDeps, ctx: PublishContext, commit: boolean): Promise<InitResult> {
  const o = targetOptions(ctx);
  const shape = shapeFor(ctx, deps);
  let path: string;
  let body: Record<string, Json>;
  let plan: ChunkPlan | undefined;
  if (shape.mediaType === 'PHOTO') {
    path = '/v2/post/publish/content/init/';
    body = photoBody(ctx, o, shape);
  } else {
    const source = await videoSourceInfo(deps, ctx, shape);
    plan = source.plan;
    path = shape.mode === 'direct' ? '/v2/post/publish/video/init/' : '/v2/post/publish/inbox/video/init/';
    body = shape.mode === 'direct' ? { post_info: videoPostInfo(ctx, o), source_info: source.body } : { source_info: source.body };
  }
  await takeQuotas(ctx, shape);
  const data = await deps.http.api<{ publish_id?: Json; upload_url?: Json }>({
    method: 'POST', path, token: ctx.account.accessToken, json: body, commit, signal: ctx.signal,
  });
  const publishId = idString(data.publish_id);
  const uploadUrl = typeof data.upload_url === 'string' && data.upload_url !== '' ? data.upload_url : undefined;
  if (!publishId || (shape.source === 'FILE_UPLOAD' && !uploadUrl)) {
    throw new PublishError(commit ? 'ambiguous' : 'transient', 'invalid_response', `POST ${path} answered ok without ${publishId ? 'an upload_url' : 'a publish_id'}`);
  }
  return { publishId, ...(uploadUrl ? { uploadUrl } : {}), ...(plan ? { chunkPlan: plan } : {}) };
}

/** Keeps a (re-)initialised publish's upload_url for the upload step, sealed by target (never in the state). */
export async function keepUploadUrl(ctx: PublishContext, r: InitResult): Promise<void> {
  if (r.uploadUrl) await ctx.secrets.put(uploadUrlSecret(r.publishId), r.uploadUrl);
}

/** The state a (re-)initialised publish continues with (the upload_url itself goes to `keepUploadUrl`). */
export function stateAfterInit(state: PublishState, shape: PublishShape, r: InitResult, now = Date.now()): PublishState {
  return {
    ...state,
    publishId: r.publishId,
    data: {
      ...state.data,
      ...shape,
      ...(r.chunkPlan ? { videoSize: r.chunkPlan.videoSize, chunkSize: r.chunkPlan.chunkSize, totalChunkCount: r.chunkPlan.totalChunkCount } : {}),
      ...(r.uploadUrl ? { uploadUrlExpiresAt: new Date(now + UPLOAD_URL_TTL_MS).toISOString() } : {}),
    },
  };
}

export async function initStep(deps: StepDeps, ctx: PublishContext): Promise<StepOutcome> {
  const shape = shapeFor(ctx, deps);
  const result = await initPublish(deps, ctx, true);
  await keepUploadUrl(ctx, result);
  return { type: 'continue', state: stateAfterInit(ctx.state, shape, result) };
}
