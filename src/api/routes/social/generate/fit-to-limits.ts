// Makes a generated text publishable on one platform: measured exactly as post validation measures a target
// (measureTarget: the platform's own length function over the text with its hashtags appended, inline hashtags
// counted), and, when it does not fit, cut down - hashtags beyond the limit dropped, then words from the end - so
// what the writing-help routes return is never refused by POST /api/social/posts.
import type { PlatformProvider } from '../../../../platforms/provider.js';
import { measureTarget, type TargetMeasure } from '../posts/post-validation.js';

export interface Fitted {
  text: string;
  hashtags: string[];
  /** Length of text and hashtags as the platform counts it. */
  length: number;
}

export function measure(text: string, hashtags: string[], provider: PlatformProvider): TargetMeasure {
  return measureTarget({ content: text, hashtags, media: [], targets: [{ accountId: 'draft' }] }, 0, provider);
}

/** What breaks the platform's limits, in words a model can act on; empty when the text fits. */
export function limitProblems(text: string, hashtags: string[], provider: PlatformProvider): string[] {
  const { limits, displayName } = provider;
  const m = measure(text, hashtags, provider);
  const problems: string[] = [];
  if (m.textLength > limits.maxTextLength) {
    problems.push(`${displayName} allows at most ${limits.maxTextLength} characters with hashtags; this has ${m.textLength}`);
  }
  if (m.hashtagCount > limits.maxHashtags) problems.push(`${displayName} allows at most ${limits.maxHashtags} hashtags; this has ${m.hashtagCount}`);
  if (m.text.trim() === '') problems.push('the text is empty');
  return problems;
}

/** `#Tag`, `tag` and `#tag!` all become `tag`; duplicates (case-insensitive) and empty ones are dropped. */
export function normalizeHashtags(tags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const word = tag.replace(/^#+/, '').replace(/[^\p{L}\p{N}_]/gu, '');
    if (word && !seen.has(word.toLowerCase())) {
      seen.add(word.toLowerCase());
      out.push(word);
    }
  }
  return out;
}

const INLINE_HASHTAG = /(^|\s)#[\p{L}\p{N}_]+/gu;

/** Cuts `text` and `hashtags` until they fit the platform's limits (a fitting input is returned unchanged). */
export function trimToLimits(text: string, hashtags: string[], provider: PlatformProvider): Fitted {
  const { limits } = provider;
  let body = text.trim();
  // Inline hashtags count against the limit too; past it, they are removed from the text before any listed one.
  if (measure(body, [], provider).hashtagCount > limits.maxHashtags) body = body.replace(INLINE_HASHTAG, '$1').replace(/\s{2,}/g, ' ').trim();
  const inline = measure(body, [], provider).hashtagCount;
  let tags = hashtags.slice(0, Math.max(0, limits.maxHashtags - inline));

  const fits = (t: string, h: string[]) => measure(t, h, provider).textLength <= limits.maxTextLength;
  // Hashtags go before words: the text carries the message.
  while (tags.length > 0 && !fits(body, tags) && fits(body, [])) tags = tags.slice(0, -1);
  if (!fits(body, tags)) {
    tags = [];
    const words = body.split(/\s+/);
    // Longest prefix of whole words that fits (length grows with the number of words: binary search).
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(words.slice(0, mid).join(' '), [])) lo = mid;
      else hi = mid - 1;
    }
    body = words.slice(0, lo).join(' ').replace(/[\s,;:-]+$/, '');
    // A single word longer than the limit: cut it by code points.
    if (body === '') {
      const chars = [...words[0] ?? ''];
      while (chars.length > 0 && !fits(chars.join(''), [])) chars.pop();
      body = chars.join('');
    }
  }
  return { text: body, hashtags: tags, length: measure(body, tags, provider).textLength };
}
