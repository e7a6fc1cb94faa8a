// X's post rules (§1.6, §1.8): text of weighted length ≤ 280 as twitter-text counts it (URLs 23, emoji 2, CJK 2);
// up to 4 images, or one video or GIF alone. Options:
//   thread         follow-up texts published as a reply chain under the post, in order; each obeys the same
//                  length rule, and its field is named in issues (`options.thread.2`)
//   replySettings  who may reply (§1.6 reply_settings)
import twitterText from 'twitter-text';
import type { TargetDraft, ValidationIssue } from '../provider.js';
import { validateThreadOption } from '../shared/thread-parts.js';

export const MAX_WEIGHTED_LENGTH = 280;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const MOTION_TYPES = ['image/gif', 'video/mp4', 'video/quicktime'];
export const MAX_IMAGES = 4;
/** Herald's cap on follow-up parts: X documents none beyond the create rate limits. */
export const MAX_THREAD_PARTS = 25;
export const REPLY_SETTINGS = ['following', 'mentionedUsers', 'subscribers', 'verified'] as const;

export const weightedLength = (text: string): number => twitterText.parseTweet(text).weightedLength;

export function validateXTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const motion = draft.media.filter((m) => m.contentType !== undefined && MOTION_TYPES.includes(m.contentType));
  if (motion.length > 0 && draft.media.length > 1) {
    issues.push({ field: 'media', rule: 'single_video', message: 'An X post carries up to 4 images, or one video or GIF on its own' });
  }
  const reply = draft.options.replySettings;
  if (reply !== undefined && !REPLY_SETTINGS.includes(reply as (typeof REPLY_SETTINGS)[number])) {
    issues.push({ field: 'options.replySettings', rule: 'enum', message: `replySettings must be one of ${REPLY_SETTINGS.join(', ')}` });
  }
  issues.push(...validateThreadOption(draft.options.thread, {
    maxParts: MAX_THREAD_PARTS,
    checkPart: (part, field) => weightedLength(part) <= MAX_WEIGHTED_LENGTH ? [] : [{
      field, rule: 'max_length',
      message: `Each part of a thread has a weighted length of at most ${MAX_WEIGHTED_LENGTH} (this one has ${weightedLength(part)}: URLs count 23, emoji and CJK 2)`,
    }],
  }));
  return issues;
}
