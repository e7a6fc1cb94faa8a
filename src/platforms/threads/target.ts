// Threads' post rules (contract §6.4, §6.7): text ≤ 500 characters with at most one topic tag; media none (TEXT),
// one image (JPEG/PNG), one video (MP4/MOV), or a CAROUSEL of 2-20; Threads only fetches media from public URLs
// (image_url / video_url), so an uploaded file needs Herald's signed public URL (MEDIA_URL_SECRET). Options:
//   linkAttachment  a URL shown as the link preview of a TEXT post
//   thread          follow-up texts published as a reply chain under the post, in order; each obeys the same text
//                   limit, and its field is named in issues (`options.thread.2`)
import type { TargetDraft, ValidationIssue } from '../provider.js';
import { validateThreadOption } from '../shared/thread-parts.js';

export type ThreadsMediaType = 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL';
export const IMAGE_TYPES = ['image/jpeg', 'image/png'];
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'];
export const MAX_TEXT = 500;
export const MAX_TOPIC_TAGS = 1;
export const MAX_CAROUSEL = 20;
/** Herald's cap on follow-up parts: Threads documents none beyond the 1,000 replies / 24 h quota. */
export const MAX_THREAD_PARTS = 50;

export function mediaTypeOf(media: { contentType?: string | undefined }[]): ThreadsMediaType {
  if (media.length === 0) return 'TEXT';
  if (media.length > 1) return 'CAROUSEL';
  return media[0]?.contentType?.startsWith('video/') ? 'VIDEO' : 'IMAGE';
}

const textLength = (s: string) => [...s].length;

export function validateThreadsTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const n = draft.media.length;
  // Media count (0-20) and types are checked by the API against `limits`.
  draft.media.forEach((m, i) => {
    if (!m.url && !m.servedPublicly) {
      issues.push({ field: `media.${i}`, rule: 'public_url_required', message: 'Threads only fetches media from a public URL; this file has none, and this server does not serve uploads publicly (MEDIA_URL_SECRET is not set)' });
    }
  });
  const link = draft.options.linkAttachment;
  if (link !== undefined) {
    if (typeof link !== 'string' || !/^https?:\/\/\S+$/i.test(link)) issues.push({ field: 'options.linkAttachment', rule: 'url', message: 'linkAttachment must be an http(s) URL' });
    else if (n > 0) issues.push({ field: 'options.linkAttachment', rule: 'text_only', message: 'Threads shows a link attachment on text posts only (no media)' });
  }
  issues.push(...validateThreadOption(draft.options.thread, {
    maxParts: MAX_THREAD_PARTS,
    checkPart: (part, field) => [
      ...(textLength(part) > MAX_TEXT ? [{ field, rule: 'max_length', message: `Each part of a thread is at most ${MAX_TEXT} characters (this one has ${textLength(part)})` }] : []),
      ...((part.match(/#[\p{L}\p{N}_]+/gu) ?? []).length > MAX_TOPIC_TAGS ? [{ field, rule: 'max_hashtags', message: `A Threads post takes at most ${MAX_TOPIC_TAGS} topic tag` }] : []),
    ],
  }));
  return issues;
}
