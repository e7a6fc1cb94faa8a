// Instagram's post rules (contract §4.3): caption ≤ 2200 characters, ≤ 30 hashtags, ≤ 20 @mentions; 1-10 media
// (a carousel 2-10); images JPEG only, videos MP4/MOV (published as Reels). Media with a public URL are fetched by
// Instagram (image_url / video_url). Uploaded videos are sent through resumable upload (§4.4, upload.ts); Meta
// documents no upload for images (image_url only): an uploaded image goes as a signed public URL Herald serves
// (MEDIA_URL_SECRET), and without one it is a validation issue instead of a publish failure.
import type { TargetDraft, ValidationIssue } from '../provider.js';

export type InstagramMediaType = 'IMAGE' | 'REELS' | 'CAROUSEL';
export const MEDIA_TYPES: readonly InstagramMediaType[] = ['IMAGE', 'REELS', 'CAROUSEL'];
export const IMAGE_TYPES = ['image/jpeg'];
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'];
export const MAX_CAPTION = 2200;
export const MAX_HASHTAGS = 30;
export const MAX_MENTIONS = 20;

export const countMentions = (text: string): number => (text.match(/(?:^|[^\w])@[\w.]+/g) ?? []).length;

/** The explicit `mediaType` option, else what the media imply: several → CAROUSEL, one video → REELS, else IMAGE. */
export function mediaTypeOf(options: Record<string, unknown>, media: { contentType?: string | undefined }[]): InstagramMediaType {
  const explicit = options.mediaType;
  if (typeof explicit === 'string' && (MEDIA_TYPES as readonly string[]).includes(explicit)) return explicit as InstagramMediaType;
  if (media.length > 1) return 'CAROUSEL';
  return media[0]?.contentType?.startsWith('video/') ? 'REELS' : 'IMAGE';
}

export function validateInstagramTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const opt = draft.options.mediaType;
  if (opt !== undefined && !(typeof opt === 'string' && (MEDIA_TYPES as readonly string[]).includes(opt))) {
    issues.push({ field: 'options.mediaType', rule: 'enum', message: `mediaType must be one of ${MEDIA_TYPES.join(', ')}` });
  }
  if (countMentions(draft.text) > MAX_MENTIONS) {
    issues.push({ field: 'content', rule: 'max_mentions', message: `Instagram allows at most ${MAX_MENTIONS} @mentions per post` });
  }
  const type = mediaTypeOf(draft.options, draft.media);
  const n = draft.media.length;
  if (type === 'CAROUSEL' && (n < 2 || n > 10)) issues.push({ field: 'media', rule: 'carousel_size', message: 'An Instagram carousel needs 2 to 10 media' });
  if (type !== 'CAROUSEL' && n !== 1) issues.push({ field: 'media', rule: 'single_media', message: `An Instagram ${type} post takes exactly one media item` });
  draft.media.forEach((m, i) => {
    if (!m.url && !m.servedPublicly && !m.contentType?.startsWith('video/')) {
      issues.push({
        field: `media.${i}`, rule: 'public_url_required',
        message: 'Instagram takes images only from a public URL (JPEG); this image has none, and this server does not serve uploads publicly (MEDIA_URL_SECRET is not set). Videos can be uploaded; images need a public URL',
      });
    }
    const ct = m.contentType;
    if (type === 'REELS' && ct && !VIDEO_TYPES.includes(ct)) issues.push({ field: `media.${i}`, rule: 'media_type', message: 'Reels need an MP4 or MOV video' });
    if (type === 'IMAGE' && ct && !IMAGE_TYPES.includes(ct)) issues.push({ field: `media.${i}`, rule: 'media_type', message: 'Instagram images must be JPEG' });
  });
  return issues;
}
