// The text a target publishes: its own text (or the post's content) with the post's hashtags appended as ` #tag`.
// The API validates lengths on exactly this composition; whoever sends the text to a platform must build it the
// same way (export this function from a shared place if the worker needs it).

export function composeTargetText(text: string, hashtags: readonly string[]): string {
  return [text, ...hashtags.map((h) => `#${h}`)].filter((s) => s.length > 0).join(' ');
}

/** `#words` written inside a text: a `#` at the start or after whitespace, followed by letters, digits or `_`
 *  (so a URL fragment such as `example.com/#top` is not one). */
export function countInlineHashtags(text: string): number {
  return [...text.matchAll(/(?:^|\s)#[\p{L}\p{N}_]+/gu)].length;
}

/** Unicode code points: what platforms count unless their provider says otherwise. */
export const codePointLength = (text: string) => [...text].length;
