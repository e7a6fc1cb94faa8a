// Bluesky's text rules (§5): length in graphemes (≤ 300) and UTF-8 bytes (≤ 3,000), and the facets a post needs
// for its links, mentions and hashtags to work (the service detects none itself): each a UTF-8 byte range of the
// text (start inclusive, end exclusive). Detection follows the reference client's rules (@atproto/api RichText):
// links are http(s) URLs without trailing punctuation, mentions `@handle` with a dotted handle, tags `#word` not
// all digits; each must start the text or follow a space (a mention or link also after `(`).
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const MAX_GRAPHEMES = 300;
export const MAX_TEXT_BYTES = 3000;

export const graphemeLength = (text: string): number => {
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
};

export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

export type FacetCandidate =
  | { kind: 'link'; byteStart: number; byteEnd: number; uri: string }
  | { kind: 'mention'; byteStart: number; byteEnd: number; handle: string }
  | { kind: 'tag'; byteStart: number; byteEnd: number; tag: string };

const LINK = /(^|\s|\()(https?:\/\/[^\s]+)/giu;
const MENTION = /(^|\s|\()(@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+))/giu;
// eslint-disable-next-line no-misleading-character-class
const TAG = /(^|\s)([#＃]((?!\ufe0f)[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2]*[^\d\s\p{P}\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2]+[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2]*))/gu;
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/u;

/** Byte offset of a UTF-16 index of `text`. */
const byteAt = (text: string, index: number) => utf8Length(text.slice(0, index));

export function detectFacets(text: string): FacetCandidate[] {
  const found: FacetCandidate[] = [];
  for (const m of text.matchAll(LINK)) {
    let uri = m[2]!.replace(TRAILING_PUNCTUATION, '');
    // A closing parenthesis belongs to the URL only when the URL opened it (`(see https://a.b/x_(y))`).
    const count = (c: string) => uri.split(c).length - 1;
    while (uri.endsWith(')') && count(')') > count('(')) uri = uri.slice(0, -1).replace(TRAILING_PUNCTUATION, '');
    const start = m.index! + m[1]!.length;
    found.push({ kind: 'link', byteStart: byteAt(text, start), byteEnd: byteAt(text, start + uri.length), uri });
  }
  for (const m of text.matchAll(MENTION)) {
    const start = m.index! + m[1]!.length;
    const handle = m[3]!.replace(/\.+$/, '');
    found.push({ kind: 'mention', byteStart: byteAt(text, start), byteEnd: byteAt(text, start + 1 + handle.length), handle: handle.toLowerCase() });
  }
  for (const m of text.matchAll(TAG)) {
    const tag = m[3]!.replace(TRAILING_PUNCTUATION, '');
    if (tag === '' || graphemeLength(tag) > 64) continue;
    const start = m.index! + m[1]!.length;
    found.push({ kind: 'tag', byteStart: byteAt(text, start), byteEnd: byteAt(text, start + 1 + tag.length), tag });
  }
  // A mention or tag inside a link is part of the link.
  const links = found.filter((f) => f.kind === 'link');
  return found
    .filter((f) => f.kind === 'link' || !links.some((l) => f.byteStart >= l.byteStart && f.byteEnd <= l.byteEnd))
    .sort((a, b) => a.byteStart - b.byteStart);
}
