// What the writing help may change in the draft, each as one update of the composer's state.
import type { Dispatch, SetStateAction } from 'react';
import type { Draft } from './draft';

export interface DraftUpdates {
  /** Replaces the main text, and the hashtag chips when hashtags are given. */
  setMainText(text: string, hashtags?: readonly string[]): void;
  /** Gives one chosen account its own text. */
  setTargetText(accountId: string, text: string): void;
  /** Adds hashtag chips (those already there stay once). */
  addHashtags(tags: readonly string[]): void;
  /** Schedules at a wall-clock time of a zone. */
  setWhen(localTime: string, timezone: string): void;
}

export function draftUpdates(setDraft: Dispatch<SetStateAction<Draft>>): DraftUpdates {
  return {
    setMainText: (text, hashtags) => setDraft((d) => ({
      ...d, content: text, ...(hashtags ? { hashtags: [...new Set(hashtags)], pendingHashtags: '' } : {}),
    })),
    setTargetText: (accountId, text) => setDraft((d) => ({
      ...d, targets: d.targets.map((t) => (t.accountId === accountId ? { ...t, text } : t)),
    })),
    addHashtags: (tags) => setDraft((d) => {
      const known = new Set(d.hashtags.map((h) => h.toLowerCase()));
      return { ...d, hashtags: [...d.hashtags, ...tags.filter((t) => !known.has(t.toLowerCase()))] };
    }),
    setWhen: (localTime, timezone) => setDraft((d) => ({ ...d, when: { localTime, timezone, fold: null } })),
  };
}
