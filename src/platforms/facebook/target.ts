// Facebook Page post rules (contract §5): a post is text (with an optional `link`), one photo, or several photos
// (uploaded unpublished, then attached to one /feed post). Message length: 63,206 characters (Facebook's post limit;
// §5.5 documents no other cap). Photos go as a URL Facebook fetches or as uploaded bytes (multipart `source`).
// Videos and Reels are not published by this provider yet: they are refused here, naming the rule.
import type { TargetDraft, ValidationIssue } from '../provider.js';

export const MAX_MESSAGE = 63_206;
export const MAX_PHOTOS = 10;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'];

export type FacebookPostKind = 'TEXT' | 'PHOTO' | 'PHOTOS';

export function postKindOf(media: readonly unknown[]): FacebookPostKind {
  return media.length === 0 ? 'TEXT' : media.length === 1 ? 'PHOTO' : 'PHOTOS';
}

export function validateFacebookTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { link, ...rest } = draft.options;
  if (link !== undefined) {
    let ok = false;
    try { ok = typeof link === 'string' && /^https?:$/.test(new URL(link).protocol); } catch { ok = false; }
    if (!ok) issues.push({ field: 'options.link', rule: 'url', message: 'link must be an absolute http(s) URL' });
    if (draft.media.length > 0) issues.push({ field: 'options.link', rule: 'text_only', message: 'A link goes with a text post only, not with photos' });
  }
  for (const key of Object.keys(rest)) {
    issues.push({ field: `options.${key}`, rule: 'unknown_option', message: `Facebook Pages take no option ${key} (only link)` });
  }
  if (draft.media.length === 0 && draft.text.trim() === '' && link === undefined) {
    issues.push({ field: 'content', rule: 'required', message: 'A Facebook text post needs a message or a link' });
  }
  draft.media.forEach((m, i) => {
    if (m.contentType?.startsWith('video/')) {
      issues.push({ field: `media.${i}`, rule: 'video_not_supported', message: 'Herald does not publish videos or Reels to Facebook Pages yet; post photos or text' });
    } else if (m.contentType && !IMAGE_TYPES.includes(m.contentType)) {
      issues.push({ field: `media.${i}`, rule: 'media_type', message: `Facebook photos must be one of ${IMAGE_TYPES.join(', ')}` });
    }
  });
  return issues;
}
