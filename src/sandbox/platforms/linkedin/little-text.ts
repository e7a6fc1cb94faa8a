// How the simulated LinkedIn reads `commentary` (§2.7, the "little" text format): a backslash makes the next
// character plain text; `#word` is a hashtag and `@[Name](urn:li:person|organization:…)` a mention, both kept as
// written; any other reserved character is a little-syntax element the client did not mean, which is where real
// LinkedIn silently cuts the text. Answers the text as readers see it and the first offending position.
const RESERVED = new Set(['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~']);
const MENTION = /^@\[[^\]\\]*\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]+\)/;
const HASHTAG = /^#\p{L}[\p{L}\p{N}_]*/u;

export interface LittleTextReading {
  /** The text as published, escapes removed, up to the first unescaped reserved character if any. */
  text: string;
  /** Index in the commentary of the first unescaped reserved character, if any. */
  unescapedAt?: number;
}

export function readLittleText(commentary: string): LittleTextReading {
  let text = '';
  let i = 0;
  while (i < commentary.length) {
    const c = commentary[i]!;
    if (c === '\\' && i + 1 < commentary.length) {
      text += commentary[i + 1];
      i += 2;
      continue;
    }
    const rest = commentary.slice(i);
    const element = MENTION.exec(rest) ?? HASHTAG.exec(rest);
    if (element) {
      text += element[0];
      i += element[0].length;
      continue;
    }
    if (RESERVED.has(c)) return { text, unescapedAt: i };
    text += c;
    i += 1;
  }
  return { text };
}
