// Content Posting API: creator info and the three init endpoints, mounted under /v2/post/publish.
//   POST creator_info/query/   (§1.7)  privacy options by account privacy; a creator who cannot post right now is
//                                      answered with HTTP 200 and the code (documented as intentional).
//   POST video/init/           (§1.8)  direct post of a video: FILE_UPLOAD (chunk rules §1.11, upload_url valid
//                                      1 h) or PULL_FROM_URL (verified URL properties).
//   POST inbox/video/init/     (§1.9)  upload to the creator's inbox: only `source_info`; at most
//                                      `pendingInboxShareCap` un-posted shares per 24 h.
//   POST content/init/         (§1.10) photo post, DIRECT_POST or MEDIA_UPLOAD, PULL_FROM_URL only, ≤ 35 images.
// Each answers the documented error for the rule a request breaks: 401 scope_not_authorized, 400 invalid_param
// (message names the rule), 403 privacy_level_option_mismatch / url_ownership_unverified /
// unaudited_client_can_only_post_to_private_accounts / spam_risk_* / reached_active_user_cap. The per-token limits
// (429) are applied by the authentication hook of each route.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authenticate, callerOf, requireScope, type Caller } from './auth.js';
import { chunkRuleViolation } from './chunk-rules.js';
import { directPostBlock, inboxBlock, interactionSettings, privacyLevelOptions } from './creator.js';
import { invalidParam, sendApiError, sendData } from './envelope.js';
import type { PublishLifecycle } from './lifecycle.js';
import { failMarkerReason, type PrivacyLevel, type ResolvedTiktokOptions } from './options.js';
import type { SlidingWindowLimiter } from './sliding-window.js';
import type { Publish, TiktokStore } from './store.js';
import { isHttpsUrl, isVerifiedUrl } from './url-properties.js';

const privacyLevels = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;
const int = z.number().int();

/**
 * TikTok counts caption limits in UTF-16 code units ("runes" in the docs): JavaScript's String length. (zod's
 * `max` counts code points, so it is not used here.)
 */
const utf16Max = (max: number) => z.string().refine((s) => s.length <= max, `must be at most ${max} UTF-16 characters`);

const videoPostInfo = z.object({
  // Checked against the creator's options separately (403, not 400).
  privacy_level: z.string().optional(),
  title: utf16Max(2200).optional(),
  disable_duet: z.boolean().optional(),
  disable_stitch: z.boolean().optional(),
  disable_comment: z.boolean().optional(),
  video_cover_timestamp_ms: int.min(0).max(2 ** 31 - 1).optional(),
  brand_content_toggle: z.boolean({ error: 'is required (boolean)' }),
  brand_organic_toggle: z.boolean().optional(),
  is_aigc: z.boolean().optional(),
});

const videoSourceInfo = z.discriminatedUnion('source', [
  // Integer-ness is part of the chunk rules (chunk-rules.ts), which name the rule broken.
  z.object({ source: z.literal('FILE_UPLOAD'), video_size: z.number(), chunk_size: z.number(), total_chunk_count: z.number() }),
  z.object({ source: z.literal('PULL_FROM_URL'), video_url: z.string().min(1) }),
], { error: 'source must be FILE_UPLOAD or PULL_FROM_URL' });

const directVideoBody = z.object({ post_info: videoPostInfo, source_info: videoSourceInfo });
const inboxVideoBody = z.object({ source_info: videoSourceInfo }).strict();

const photoBody = z.object({
  media_type: z.literal('PHOTO', { error: 'media_type must be PHOTO' }),
  post_mode: z.enum(['DIRECT_POST', 'MEDIA_UPLOAD'], { error: 'post_mode must be DIRECT_POST or MEDIA_UPLOAD' }),
  post_info: z.object({
    privacy_level: z.string().optional(),
    title: utf16Max(90).optional(),
    description: utf16Max(4000).optional(),
    disable_comment: z.boolean().optional(),
    auto_add_music: z.boolean().optional(),
    brand_content_toggle: z.boolean().optional(),
    brand_organic_toggle: z.boolean().optional(),
  }).default({}),
  source_info: z.object({
    source: z.literal('PULL_FROM_URL', { error: 'photo posts only support source PULL_FROM_URL' }),
    photo_images: z.array(z.string().min(1)).min(1, 'photo_images needs at least 1 URL').max(35, 'photo_images takes at most 35 URLs'),
    photo_cover_index: int.min(0),
  }),
});

function parseOrInvalid<S extends z.ZodType>(schema: S, body: unknown, reply: FastifyReply): z.output<S> | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.join('.');
  invalidParam(reply, issue.code === 'unrecognized_keys'
    ? `Unexpected field(s): ${issue.keys.join(', ')}.`
    : `${at ? `${at}: ` : ''}${issue.message}`);
  return undefined;
}

export interface PostRouteDeps {
  store: TiktokStore;
  options: ResolvedTiktokOptions;
  lifecycle: PublishLifecycle;
  limiters: { creatorInfo: SlidingWindowLimiter; directInit: SlidingWindowLimiter; inboxInit: SlidingWindowLimiter; contentInit: SlidingWindowLimiter };
  uploadUrl(request: FastifyRequest, uploadId: string, uploadToken: string): string;
}

export function postRoutes(deps: PostRouteDeps): FastifyPluginAsync {
  const { store, options, lifecycle, limiters } = deps;
  const mb = options.megabyte;

  const verified = (url: string) => isVerifiedUrl(url, options.verifiedUrlPrefixes, options.verifiedDomains);

  /** 403 unless the requested privacy level is one the creator offers (and, unaudited, SELF_ONLY on a private account). */
  function privacyOk(caller: Caller, level: string | undefined, reply: FastifyReply): level is PrivacyLevel {
    const allowed = privacyLevelOptions(caller.user);
    if (options.unauditedClient && (!caller.user.privateAccount || (level !== undefined && level !== 'SELF_ONLY'))) {
      sendApiError(reply, 403, 'unaudited_client_can_only_post_to_private_accounts',
        'Unaudited clients can only post to private accounts, with privacy_level SELF_ONLY.');
      return false;
    }
    if (!level || !(privacyLevels as readonly string[]).includes(level) || !allowed.includes(level as PrivacyLevel)) {
      sendApiError(reply, 403, 'privacy_level_option_mismatch',
        `privacy_level ${level ?? '(missing)'} is not one of the creator's privacy_level_options: ${allowed.join(', ')}.`);
      return false;
    }
    return true;
  }

  /** 403 for a creator who cannot post directly now (the same state creator_info reports with 200). */
  function directOk(caller: Caller, reply: FastifyReply): boolean {
    const block = directPostBlock(store, options, caller.user, true);
    if (block) sendApiError(reply, 403, block.code, block.message);
    return !block;
  }

  function inboxOk(caller: Caller, reply: FastifyReply): boolean {
    const block = inboxBlock(caller.user);
    if (block) {
      sendApiError(reply, 403, block.code, block.message);
      return false;
    }
    const pending = store.pendingInboxShares(caller.user.openId);
    if (pending >= options.pendingInboxShareCap) {
      sendApiError(reply, 403, 'spam_risk_too_many_pending_share',
        `The daily upload cap from the API is reached for the current user: at most ${options.pendingInboxShareCap} pending shares within any 24-hour period.`);
      return false;
    }
    return true;
  }

  /** Validates a video source; answers the publish's source part, or undefined after replying with the error. */
  function videoSource(source: z.output<typeof videoSourceInfo>, reply: FastifyReply): Pick<Publish, 'source' | 'upload' | 'pull'> | undefined {
    if (source.source === 'FILE_UPLOAD') {
      const violation = chunkRuleViolation(source, mb);
      if (violation) {
        invalidParam(reply, violation);
        return undefined;
      }
      return { source: 'FILE_UPLOAD', upload: store.newUploadTask(source.video_size, source.chunk_size, source.total_chunk_count) };
    }
    if (!isHttpsUrl(source.video_url)) {
      invalidParam(reply, 'video_url must be an https URL.');
      return undefined;
    }
    if (!verified(source.video_url)) {
      sendApiError(reply, 403, 'url_ownership_unverified', 'The video_url is not under a domain or URL prefix verified for this app.');
      return undefined;
    }
    return { source: 'PULL_FROM_URL', pull: pullTask([source.video_url], options.pullVideoSizeBytes) };
  }

  function pullTask(urls: string[], sizeBytes: number) {
    return { urls, sizeBytes, startedAt: Date.now(), durationMs: Math.ceil((sizeBytes / options.pullBytesPerSecond) * 1000), done: false };
  }

  function started(p: Publish, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (p.pull) lifecycle.startDownload(p);
    return sendData(reply, {
      publish_id: p.id,
      ...(p.upload ? { upload_url: deps.uploadUrl(request, p.upload.uploadId, p.upload.uploadToken) } : {}),
    });
  }

  return async (app) => {
    app.post('/creator_info/query/', { preHandler: authenticate(store, limiters.creatorInfo) }, async (request, reply) => {
      const caller = callerOf(request);
      if (!requireScope(caller, reply, ['video.publish'])) return reply;
      // Documented as intentional: a creator who cannot post is reported with HTTP 200 and the error code.
      const block = directPostBlock(store, options, caller.user, false);
      if (block) return sendApiError(reply, 200, block.code, block.message);
      const u = caller.user;
      return sendData(reply, {
        creator_avatar_url: u.avatarUrl ?? '',
        creator_username: u.username,
        creator_nickname: u.displayName,
        privacy_level_options: privacyLevelOptions(u),
        ...interactionSettings(u),
        max_video_post_duration_sec: u.maxVideoPostDurationSec ?? 600,
      });
    });

    app.post('/video/init/', { preHandler: authenticate(store, limiters.directInit) }, async (request, reply) => {
      const caller = callerOf(request);
      if (!requireScope(caller, reply, ['video.publish'])) return reply;
      const body = parseOrInvalid(directVideoBody, request.body, reply);
      if (!body) return reply;
      if (!directOk(caller, reply)) return reply;
      const level = body.post_info.privacy_level;
      if (!privacyOk(caller, level, reply)) return reply;
      const source = videoSource(body.source_info, reply);
      if (!source) return reply;
      const p = store.newPublish({
        openId: caller.user.openId, mode: 'direct', mediaType: 'VIDEO', status: source.source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD',
        ...source, privacyLevel: level,
        ...(body.post_info.title !== undefined ? { title: body.post_info.title } : {}),
        ...optionalFail(lifecycle.failureForNewPublish(failMarkerReason(body.post_info.title, options))),
      });
      return started(p, request, reply);
    });

    app.post('/inbox/video/init/', { preHandler: authenticate(store, limiters.inboxInit) }, async (request, reply) => {
      const caller = callerOf(request);
      if (!requireScope(caller, reply, ['video.upload'])) return reply;
      const body = parseOrInvalid(inboxVideoBody, request.body, reply);
      if (!body) return reply;
      if (!inboxOk(caller, reply)) return reply;
      const source = videoSource(body.source_info, reply);
      if (!source) return reply;
      const p = store.newPublish({
        openId: caller.user.openId, mode: 'inbox', mediaType: 'VIDEO', status: source.source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD',
        ...source, ...optionalFail(lifecycle.failureForNewPublish(undefined)),
      });
      return started(p, request, reply);
    });

    app.post('/content/init/', { preHandler: authenticate(store, limiters.contentInit) }, async (request, reply) => {
      const caller = callerOf(request);
      const mode = (request.body as { post_mode?: unknown } | undefined)?.post_mode;
      if (!requireScope(caller, reply, [mode === 'MEDIA_UPLOAD' ? 'video.upload' : 'video.publish'])) return reply;
      const body = parseOrInvalid(photoBody, request.body, reply);
      if (!body) return reply;
      const { post_info: info, source_info: src } = body;
      if (src.photo_cover_index >= src.photo_images.length) {
        return invalidParam(reply, `photo_cover_index ${src.photo_cover_index} is outside photo_images (0-${src.photo_images.length - 1}).`);
      }
      const direct = body.post_mode === 'DIRECT_POST';
      if (direct) {
        if (!directOk(caller, reply) || !privacyOk(caller, info.privacy_level, reply)) return reply;
      } else if (!inboxOk(caller, reply)) {
        return reply;
      }
      if (src.photo_images.some((u) => !isHttpsUrl(u))) return invalidParam(reply, 'photo_images must be https URLs.');
      if (!src.photo_images.every(verified)) {
        return sendApiError(reply, 403, 'url_ownership_unverified', 'A photo URL is not under a domain or URL prefix verified for this app.');
      }
      const p = store.newPublish({
        openId: caller.user.openId, mode: direct ? 'direct' : 'inbox', mediaType: 'PHOTO', source: 'PULL_FROM_URL', status: 'PROCESSING_DOWNLOAD',
        pull: pullTask(src.photo_images, src.photo_images.length * options.pullPhotoSizeBytes),
        ...(direct ? { privacyLevel: info.privacy_level as PrivacyLevel } : {}),
        ...(info.title !== undefined ? { title: info.title } : {}),
        ...(info.description !== undefined ? { description: info.description } : {}),
        ...optionalFail(lifecycle.failureForNewPublish(failMarkerReason(`${info.title ?? ''} ${info.description ?? ''}`, options))),
      });
      return started(p, request, reply);
    });
  };
}

const optionalFail = (reason: string | undefined): { failAs?: string } => (reason ? { failAs: reason } : {});
