// The text a target publishes, built in one place: the API validates platform limits on exactly this text and the
// publish activity hands exactly this text to the provider, so what was checked is what is sent.

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The target's text (or the post's content) with the post's hashtags appended as ` #tag`, skipping any the text
 *  already contains as a word (case-insensitive). */
export function composeTargetText(text: string, hashtags: readonly string[]): string {
  const missing = hashtags
    .map((h) => (h.startsWith('#') ? h : `#${h}`))
    .filter((tag) => !new RegExp(`(^|\\s)${escapeRegExp(tag)}(?=\\s|$|[.,!?;:])`, 'iu').test(text));
  return [text, ...missing].filter((s) => s.length > 0).join(' ');
}

/** `#words` written inside a text: a `#` at the start or after whitespace, followed by letters, digits or `_`
 *  (so a URL fragment such as `example.com/#top` is not one). */
export function countInlineHashtags(text: string): number {
  return [...text.matchAll(/(?:^|\s)#[\p{L}\p{N}_]+/gu)].length;
}

/** Unicode code points: what platforms count unless their provider says otherwise. */
export const codePointLength = (text: string) => [...text].length;
