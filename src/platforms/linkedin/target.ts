// LinkedIn's post rules (contract §2.6-2.9): commentary ≤ 3,000 characters; media none, one video (MP4), or 1-20
// images (JPEG / PNG / GIF; two or more become a multiImage post); LinkedIn takes uploaded bytes, never a URL, so
// media must be stored files. Options:
//   link        an http(s) URL published as an article preview (text posts only)
//   title       the article's (or video's) title; default the link itself
//   visibility  PUBLIC (default) or CONNECTIONS (member posts only: a page has no connections)
import type { TargetDraft, ValidationIssue } from '../provider.js';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif'];
export const VIDEO_TYPES = ['video/mp4'];
export const MAX_TEXT = 3000;
export const MAX_IMAGES = 20;
export const VISIBILITIES = ['PUBLIC', 'CONNECTIONS'] as const;

export const linkOf = (options: Record<string, unknown>): string | undefined => (typeof options.link === 'string' && options.link ? options.link : undefined);
export const titleOf = (options: Record<string, unknown>): string | undefined => (typeof options.title === 'string' && options.title ? options.title : undefined);
export const visibilityOf = (options: Record<string, unknown>): string => (typeof options.visibility === 'string' ? options.visibility : 'PUBLIC');

export function validateLinkedinTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const videos = draft.media.filter((m) => m.contentType?.startsWith('video/')).length;
  if (videos > 0 && draft.media.length > 1) issues.push({ field: 'media', rule: 'single_video', message: 'A LinkedIn post carries one video, or images only' });
  draft.media.forEach((m, i) => {
    if (m.url && !m.mediaId) issues.push({ field: `media.${i}`, rule: 'stored_file_required', message: 'LinkedIn takes uploaded bytes: upload the file to Herald instead of giving a URL' });
  });
  const link = draft.options.link;
  if (link !== undefined) {
    if (typeof link !== 'string' || !/^https?:\/\/\S+$/i.test(link)) issues.push({ field: 'options.link', rule: 'url', message: 'link must be an http(s) URL' });
    else if (draft.media.length > 0) issues.push({ field: 'options.link', rule: 'text_only', message: 'A LinkedIn link preview goes on a post without media' });
  }
  const title = draft.options.title;
  if (title !== undefined && (typeof title !== 'string' || title.length > 400)) issues.push({ field: 'options.title', rule: 'max_length', message: 'title must be text of at most 400 characters' });
  const visibility = draft.options.visibility;
  if (visibility !== undefined && !VISIBILITIES.includes(visibility as never)) {
    issues.push({ field: 'options.visibility', rule: 'enum', message: `visibility must be one of ${VISIBILITIES.join(', ')}` });
  }
  return issues;
}
