// Bluesky's post rules (§5): text ≤ 300 graphemes and ≤ 3,000 UTF-8 bytes (the API's length check counts
// graphemes: `limits.textLength`; the byte limit is checked here), up to 4 images (each ≤ 1,000,000 bytes, checked
// when uploading), with alt text, or one MP4 video alone (≤ the PDS's 50 MB blob cap). Option:
//   thread   follow-up texts published as a reply chain under the post (root = the post, parent = the part
//            before), in order; each obeys the same rules, and its field is named in issues (`options.thread.2`)
import type { TargetDraft, ValidationIssue } from '../provider.js';
import { graphemeLength, MAX_GRAPHEMES, MAX_TEXT_BYTES, utf8Length } from './rich-text.js';
import { validateThreadOption } from '../shared/thread-parts.js';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
export const MAX_IMAGES = 4;
/** app.bsky.embed.images: each image blob at most 1,000,000 bytes. */
export const MAX_IMAGE_BYTES = 1_000_000;
export const VIDEO_TYPES = ['video/mp4'];
/** app.bsky.embed.video allows 100 MB, but a blob uploaded to the PDS is capped at 50 MB first. */
export const MAX_VIDEO_BYTES = 50_000_000;
/** Herald's cap on follow-up parts: Bluesky documents none beyond the write points. */
export const MAX_THREAD_PARTS = 25;

function textIssues(field: string, text: string): ValidationIssue[] {
  const bytes = utf8Length(text);
  if (bytes > MAX_TEXT_BYTES) return [{ field, rule: 'max_bytes', message: `Bluesky takes at most ${MAX_TEXT_BYTES} bytes of text (UTF-8); this has ${bytes}` }];
  return [];
}

export function validateBlueskyTarget(draft: TargetDraft): ValidationIssue[] {
  const issues = textIssues('text', draft.text);
  if (draft.media.length > 1 && draft.media.some((m) => m.contentType !== undefined && VIDEO_TYPES.includes(m.contentType))) {
    issues.push({ field: 'media', rule: 'single_video', message: 'A Bluesky post carries up to 4 images, or one video on its own' });
  }
  draft.media.forEach((m, i) => {
    if (m.alt !== undefined && graphemeLength(m.alt) > 2000) issues.push({ field: `media.${i}.alt`, rule: 'max_length', message: 'Alt text is at most 2000 characters' });
  });
  issues.push(...validateThreadOption(draft.options.thread, {
    maxParts: MAX_THREAD_PARTS,
    checkPart: (part, field) => graphemeLength(part) <= MAX_GRAPHEMES ? textIssues(field, part) : [{
      field, rule: 'max_length',
      message: `Each part of a thread has at most ${MAX_GRAPHEMES} characters (graphemes; this one has ${graphemeLength(part)})`,
    }],
  }));
  return issues;
}
