// X's post rules (§1.6, §1.8): text of weighted length ≤ 280 as twitter-text counts it (URLs 23, emoji 2, CJK 2);
// up to 4 images, or one video or GIF alone. Options:
//   thread         follow-up texts published as a reply chain under the post, in order; each obeys the same
//                  length rule, and its field is named in issues (`options.thread.2`)
//   replySettings  who may reply (§1.6 reply_settings)
import twitterText from 'twitter-text';
import type { TargetDraft, ValidationIssue } from '../provider.js';

export const MAX_WEIGHTED_LENGTH = 280;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const MOTION_TYPES = ['image/gif', 'video/mp4', 'video/quicktime'];
export const MAX_IMAGES = 4;
/** Herald's cap on follow-up parts: X documents none beyond the create rate limits. */
export const MAX_THREAD_PARTS = 25;
export const REPLY_SETTINGS = ['following', 'mentionedUsers', 'subscribers', 'verified'] as const;

export const weightedLength = (text: string): number => twitterText.parseTweet(text).weightedLength;

export function threadParts(options: Record<string, unknown>): string[] {
  const t = options.thread;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

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
  const thread = draft.options.thread;
  if (thread !== undefined) {
    if (!Array.isArray(thread)) {
      issues.push({ field: 'options.thread', rule: 'type', message: 'thread must be an array of follow-up texts' });
    } else {
      if (thread.length > MAX_THREAD_PARTS) issues.push({ field: 'options.thread', rule: 'max_parts', message: `A thread takes at most ${MAX_THREAD_PARTS} follow-up parts` });
      thread.forEach((part, i) => {
        const field = `options.thread.${i}`;
        if (typeof part !== 'string' || part.trim() === '') issues.push({ field, rule: 'required', message: 'Each follow-up part of a thread needs text' });
        else if (weightedLength(part) > MAX_WEIGHTED_LENGTH) {
          issues.push({ field, rule: 'max_length', message: `Each part of a thread has a weighted length of at most ${MAX_WEIGHTED_LENGTH} (this one has ${weightedLength(part)}: URLs count 23, emoji and CJK 2)` });
        }
      });
    }
  }
  return issues;
}
