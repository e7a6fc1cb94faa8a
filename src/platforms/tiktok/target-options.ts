// What a TikTok target may ask for, and what kind of publish it becomes.
//
// Options (all optional except `privacyLevel` for direct posts, which TikTok requires and its content-sharing
// guidelines forbid defaulting):
//   mode                  'direct' (Direct Post, default) | 'inbox' (upload to the creator's inbox: they finish the
//                         post in the TikTok app, choosing privacy and settings there)
//   privacyLevel          PUBLIC_TO_EVERYONE | MUTUAL_FOLLOW_FRIENDS | FOLLOWER_OF_CREATOR | SELF_ONLY (checked
//                         against the creator's options when publishing)
//   disableComment        videos and photos;  disableDuet, disableStitch, videoCoverTimestampMs: videos only
//   brandContentToggle, brandOrganicToggle, isAigc (videos)
//   title (≤ 90), photoCoverIndex, autoAddMusic: photo posts only (the post text becomes the photo description)
// Kinds: one video (FILE_UPLOAD of a stored file, or PULL_FROM_URL when its URL is under a verified prefix), or
// 1-35 photos, which TikTok only takes as PULL_FROM_URL from verified prefixes. A URL that is not verified can be
// neither pulled by TikTok nor uploaded by Herald (it never had the bytes), so validation refuses it.
import { z } from 'zod';
import type { TargetDraft, ValidationIssue } from '../provider.js';

export const PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

export const tiktokTargetOptions = z.object({
  mode: z.enum(['direct', 'inbox']).default('direct'),
  privacyLevel: z.enum(PRIVACY_LEVELS).optional(),
  disableComment: z.boolean().optional(),
  disableDuet: z.boolean().optional(),
  disableStitch: z.boolean().optional(),
  brandContentToggle: z.boolean().optional(),
  brandOrganicToggle: z.boolean().optional(),
  isAigc: z.boolean().optional(),
  videoCoverTimestampMs: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  // UTF-16 code units, as TikTok counts: JavaScript's String length (zod's `max` would count code points).
  title: z.string().refine((s) => s.length <= 90, 'TikTok photo titles are at most 90 characters').optional(),
  photoCoverIndex: z.number().int().min(0).optional(),
  autoAddMusic: z.boolean().optional(),
}).strict();

export type TiktokTargetOptions = z.output<typeof tiktokTargetOptions>;

export type TiktokSource = 'FILE_UPLOAD' | 'PULL_FROM_URL';

/** What the publish is: decided the same way at validation, planning and every step. */
export interface PublishShape {
  mode: 'direct' | 'inbox';
  mediaType: 'VIDEO' | 'PHOTO';
  source: TiktokSource;
}

const imageExtensions = new Set(['jpg', 'jpeg', 'webp', 'png', 'gif', 'heic']);

/** Photo or video, from the MIME type, or the URL's extension when the type is unknown. */
export function isPhoto(m: { contentType?: string | undefined; url?: string | undefined }): boolean {
  if (m.contentType) return m.contentType.startsWith('image/');
  if (!m.url) return false;
  try {
    return imageExtensions.has(new URL(m.url).pathname.split('.').pop()?.toLowerCase() ?? '');
  } catch {
    return false;
  }
}

export function isVerifiedUrl(url: string, prefixes: readonly string[]): boolean {
  return url.startsWith('https://') && prefixes.some((p) => url.startsWith(p));
}

export function publishShape(
  options: Pick<TiktokTargetOptions, 'mode'>, media: { contentType?: string | undefined; url?: string | undefined }[], prefixes: readonly string[],
): PublishShape {
  const mediaType = media.length > 0 && media.every(isPhoto) ? 'PHOTO' : 'VIDEO';
  const first = media[0];
  const source = mediaType === 'PHOTO' || (first?.url !== undefined && isVerifiedUrl(first.url, prefixes)) ? 'PULL_FROM_URL' : 'FILE_UPLOAD';
  return { mode: options.mode, mediaType, source };
}

const videoOnly = ['disableDuet', 'disableStitch', 'videoCoverTimestampMs', 'brandContentToggle', 'brandOrganicToggle', 'isAigc'] as const;
const photoOnly = ['title', 'photoCoverIndex', 'autoAddMusic'] as const;
/** Photo settings TikTok takes on direct posts only. */
const directPhotoOnly = ['privacyLevel', 'disableComment', 'autoAddMusic'] as const;
/** Inbox videos carry no post_info at all (the creator sets everything in the app). */
const notForInboxVideo = ['privacyLevel', 'disableComment', 'disableDuet', 'disableStitch', 'videoCoverTimestampMs', 'brandContentToggle', 'brandOrganicToggle', 'isAigc'] as const;

/** TikTok's rules beyond PlatformLimits, as `{ field, rule, message }` issues (fields relative to the target). */
export function validateTiktokTarget(draft: TargetDraft, prefixes: readonly string[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const parsed = tiktokTargetOptions.safeParse(draft.options);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      if (i.code === 'unrecognized_keys') {
        for (const key of i.keys) issues.push({ field: `options.${key}`, rule: 'unknown_field', message: `TikTok has no option "${key}"` });
      } else {
        issues.push({ field: ['options', ...i.path.map(String)].join('.'), rule: i.code === 'invalid_value' ? 'enum' : i.code === 'too_big' ? 'max' : 'invalid', message: i.message });
      }
    }
    return issues;
  }
  const o = parsed.data;
  const photos = draft.media.filter((m) => isPhoto(m));
  const isPhotoPost = draft.media.length > 0 && photos.length === draft.media.length;

  if (photos.length > 0 && !isPhotoPost) {
    issues.push({ field: 'media', rule: 'media_mix', message: 'TikTok posts are one video or 1-35 photos, not both' });
  } else if (!isPhotoPost && draft.media.length !== 1) {
    issues.push({ field: 'media', rule: 'media_count', message: `a TikTok video post takes exactly one video; this post has ${draft.media.length} media items` });
  }

  draft.media.forEach((m, k) => {
    if (isPhotoPost && !m.url) {
      issues.push({ field: `media.${k}`, rule: 'photo_url_required', message: 'TikTok only pulls photos from URLs (PULL_FROM_URL); give the photo as a URL under a verified prefix' });
    } else if (m.url !== undefined && !isVerifiedUrl(m.url, prefixes)) {
      issues.push({
        field: `media.${k}`, rule: 'verified_url_prefix',
        message: prefixes.length > 0
          ? `TikTok only pulls media from verified URL prefixes (${prefixes.join(', ')}); upload the file to Herald instead`
          : 'TikTok only pulls media from verified URL prefixes and none is configured; upload the file to Herald instead',
      });
    }
  });

  const flag = (key: string, rule: string, message: string) => issues.push({ field: `options.${key}`, rule, message });
  if (o.mode === 'direct' && !o.privacyLevel) {
    flag('privacyLevel', 'required', 'a TikTok direct post needs privacyLevel (the creator must choose it; TikTok allows no default)');
  }
  if (isPhotoPost) {
    for (const key of videoOnly) if (o[key] !== undefined) flag(key, 'not_applicable', `${key} applies to TikTok videos, not photo posts`);
    if (o.mode === 'inbox') {
      for (const key of directPhotoOnly) {
        if (o[key] !== undefined) flag(key, 'not_applicable', `${key} cannot be set on an inbox upload: the creator chooses it in the TikTok app`);
      }
    }
    if (o.photoCoverIndex !== undefined && o.photoCoverIndex >= draft.media.length) {
      flag('photoCoverIndex', 'max', `photoCoverIndex must be below the number of photos (${draft.media.length})`);
    }
  } else {
    for (const key of photoOnly) if (o[key] !== undefined) flag(key, 'not_applicable', `${key} applies to TikTok photo posts only`);
    if (o.mode === 'inbox') {
      for (const key of notForInboxVideo) {
        if (o[key] !== undefined) flag(key, 'not_applicable', `${key} cannot be set on an inbox upload: the creator chooses it in the TikTok app`);
      }
    }
  }
  return issues;
}
