// Facebook Page post rules (contract §5): a post is text (with an optional `link`), one photo, or several photos
// (uploaded unpublished, then attached to one /feed post). Message length: 63,206 characters (Facebook's post limit;
// §5.5 documents no other cap). Photos go as a URL Facebook fetches or as uploaded bytes (multipart `source`).
// One video is a regular Page video (video.ts, Video API), or a Reel with `options.mediaType: 'REELS'` (reel.ts).
import type { TargetDraft, ValidationIssue } from '../provider.js';

export const MAX_MESSAGE = 63_206;
export const MAX_PHOTOS = 10;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'];
/** Reels Publishing API: .mp4 recommended. */
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'];

export type FacebookPostKind = 'TEXT' | 'PHOTO' | 'PHOTOS' | 'VIDEO' | 'REEL';
export const MEDIA_TYPES = ['VIDEO', 'REELS'] as const;

export function postKindOf(media: readonly { contentType?: string | undefined }[], options: Record<string, unknown> = {}): FacebookPostKind {
  if (media.length === 1 && media[0]!.contentType?.startsWith('video/')) return options.mediaType === 'REELS' ? 'REEL' : 'VIDEO';
  return media.length === 0 ? 'TEXT' : media.length === 1 ? 'PHOTO' : 'PHOTOS';
}

export function validateFacebookTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { link, mediaType, ...rest } = draft.options;
  const kind = postKindOf(draft.media, draft.options);
  if (mediaType !== undefined && !(MEDIA_TYPES as readonly unknown[]).includes(mediaType)) {
    issues.push({ field: 'options.mediaType', rule: 'enum', message: `mediaType must be one of ${MEDIA_TYPES.join(', ')}` });
  } else if (mediaType !== undefined && kind !== 'REEL' && kind !== 'VIDEO') {
    issues.push({ field: 'media', rule: 'single_video', message: `A ${String(mediaType)} post takes exactly one video` });
  }
  if (link !== undefined) {
    let ok = false;
    try { ok = typeof link === 'string' && /^https?:$/.test(new URL(link).protocol); } catch { ok = false; }
    if (!ok) issues.push({ field: 'options.link', rule: 'url', message: 'link must be an absolute http(s) URL' });
    if (draft.media.length > 0) issues.push({ field: 'options.link', rule: 'text_only', message: 'A link goes with a text post only, not with media' });
  }
  for (const key of Object.keys(rest)) {
    issues.push({ field: `options.${key}`, rule: 'unknown_option', message: `Facebook Pages take no option ${key} (only link and mediaType)` });
  }
  if (draft.media.length === 0 && draft.text.trim() === '' && link === undefined) {
    issues.push({ field: 'content', rule: 'required', message: 'A Facebook text post needs a message or a link' });
  }
  draft.media.forEach((m, i) => {
    if (m.contentType?.startsWith('video/')) {
      if (kind !== 'REEL' && kind !== 'VIDEO') issues.push({ field: `media.${i}`, rule: 'video_alone', message: 'A video goes alone (a video or a Reel post); it cannot be mixed with photos' });
      else if (!VIDEO_TYPES.includes(m.contentType)) issues.push({ field: `media.${i}`, rule: 'media_type', message: 'A Reel needs an MP4 or MOV video' });
    } else if (m.contentType && !IMAGE_TYPES.includes(m.contentType)) {
      issues.push({ field: `media.${i}`, rule: 'media_type', message: `Facebook photos must be one of ${IMAGE_TYPES.join(', ')}` });
    }
  });
  return issues;
}
