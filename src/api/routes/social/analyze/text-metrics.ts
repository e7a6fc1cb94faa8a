// Deterministic measurements of a post's text, the same for every platform: mentions, links, emoji, and a
// readability score. Readability is the Flesch reading-ease formula (206.835 - 1.015 words/sentence - 84.6
// syllables/word), which is defined for English only: other languages get no score rather than a wrong one.
// Syllables are counted with the usual vowel-group rule (a silent final "e" dropped, at least one per word).

const MENTION = /(?:^|\s)@[\p{L}\p{N}_.]+/gu;
const LINK = /\b(?:https?:\/\/|www\.)[^\s]+/giu;
const EMOJI = /\p{Extended_Pictographic}/gu;
const WORD = /[\p{L}\p{N}'’]+/gu;

export const mentionCount = (text: string) => [...text.matchAll(MENTION)].length;
export const links = (text: string) => [...text.matchAll(LINK)].map((m) => m[0].replace(/[.,!?;:)]+$/, ''));
export const emojiCount = (text: string) => [...text.matchAll(EMOJI)].length;

export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return 0;
  if (w.length <= 3) return 1;
  const groups = w.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, '').replace(/^y/, '').match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups?.length ?? 1);
}

export interface Readability {
  words: number;
  sentences: number;
  syllables: number;
  /** Flesch reading ease (higher is easier; 60-70 plain English); null for non-English text or no words. */
  fleschReadingEase: number | null;
}

export function readability(text: string, language: string): Readability {
  // Links, mentions and hashtags are not prose.
  const prose = text.replace(LINK, ' ').replace(/(?:^|\s)[@#][\p{L}\p{N}_.]+/gu, ' ');
  const words = prose.match(WORD) ?? [];
  const sentences = Math.max(1, prose.split(/[.!?]+(?:\s|$)/u).filter((s) => (s.match(WORD) ?? []).length > 0).length);
  const syllableCount = words.reduce((n, w) => n + syllables(w), 0);
  const english = /^en(-|$)/i.test(language);
  const score = english && words.length > 0
    ? Math.round((206.835 - 1.015 * (words.length / sentences) - 84.6 * (syllableCount / words.length)) * 100) / 100
    : null;
  return { words: words.length, sentences: words.length > 0 ? sentences : 0, syllables: syllableCount, fleschReadingEase: score };
}
