// LinkedIn's `commentary` is "little" text (§2.7): reserved characters start little elements, and LinkedIn
// silently cuts a post at the first one it cannot read as an element. Herald's text is plain text, so every
// reserved character is escaped with a backslash, except a hashtag's `#` followed by a letter, which stays
// a clickable hashtag (its other reserved characters, e.g. `_`, are escaped like any).
const RESERVED = /[\\|{}@[\]()<>#*_~]/;

export function escapeLittleText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const hashtag = c === '#' && /^\p{L}/u.test(text.slice(i + 1, i + 3));
    out += RESERVED.test(c) && !hashtag ? `\\${c}` : c;
  }
  return out;
}
