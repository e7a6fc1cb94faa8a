// The composer's working copy of a post, and how it becomes the API's request bodies. The browser keeps no platform
// rule here: limits and checks come back from POST /api/social/posts/validate.
import type { MediaRef, Post } from '../../api/types';

export interface DraftTarget {
  accountId: string;
  /** This account's own text; null publishes the main text. */
  text: string | null;
  options: Record<string, unknown>;
}

/** An item of the post's media: an upload in progress or done, or one the post already had. */
export interface DraftMedia {
  key: string;
  ref: MediaRef | null;
  name: string;
  /** Object URL of the local file, for the preview; null for media the post already had. */
  previewUrl: string | null;
  contentType: string | null;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error: string | null;
  /** Alt text as typed (may be typed while the upload runs); empty: none. */
  alt: string;
}

export type Fold = 'earlier' | 'later';

export interface DraftWhen {
  /** YYYY-MM-DDTHH:mm as a datetime-local input gives it; empty when no time is chosen. */
  localTime: string;
  timezone: string;
  fold: Fold | null;
}

export interface Draft {
  content: string;
  hashtags: string[];
  /** What is typed in the hashtag input and not yet turned into chips (it counts already). */
  pendingHashtags: string;
  media: DraftMedia[];
  targets: DraftTarget[];
  when: DraftWhen;
}

export function emptyDraft(timezone: string, day: string | null): Draft {
  return {
    content: '',
    hashtags: [],
    pendingHashtags: '',
    media: [],
    targets: [],
    // A day picked on the calendar starts the morning of that day; the user adjusts the time.
    when: { localTime: day ? `${day}T09:00` : '', timezone, fold: null },
  };
}

/** The post being edited as a draft: its scheduled instant shown as wall-clock time in the zone it was written in. */
export function draftFromPost(post: Post): Draft {
  return {
    content: post.content,
    hashtags: post.hashtags,
    pendingHashtags: '',
    media: post.media.map((ref, k) => ({
      key: `existing-${k}`,
      ref,
      name: ref.url ?? `uploaded file ${k + 1}`,
      // The dashboard's content policy loads no image from elsewhere: a media URL is shown as text, not previewed.
      previewUrl: null,
      contentType: null,
      progress: 1,
      state: 'done',
      error: null,
      alt: ref.alt ?? '',
    })),
    targets: post.targets.map((t) => ({ accountId: t.accountId, text: t.text, options: t.options })),
    when: {
      localTime: post.scheduledAt ? wallClockIn(post.scheduledAt, post.timezone) : '',
      timezone: post.timezone,
      fold: post.scheduledAt ? foldOf(post.scheduledAt, post.timezone) : null,
    },
  };
}

/**
 * Which occurrence an instant is, when its wall-clock time happens twice in the zone (the clocks went back): the
 * same wall clock a DST shift later means the earlier one, a shift before the later one. Saving the post again
 * then keeps the same instant instead of asking.
 */
function foldOf(iso: string, timezone: string): Fold | null {
  const at = new Date(iso).getTime();
  const wallClock = wallClockIn(iso, timezone);
  for (const minutes of [30, 60, 120]) {
    const shift = minutes * 60_000;
    if (wallClockIn(new Date(at + shift).toISOString(), timezone) === wallClock) return 'earlier';
    if (wallClockIn(new Date(at - shift).toISOString(), timezone) === wallClock) return 'later';
  }
  return null;
}

/** An instant as the YYYY-MM-DDTHH:mm wall clock of a zone (what the When section holds). */
export function wallClockIn(iso: string, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** Tags typed as "a, #b c": split on spaces and commas, leading # dropped (the API appends ` #tag` itself). */
export function parseHashtags(text: string): string[] {
  return text.split(/[\s,]+/u).map((t) => t.replace(/^#/, '')).filter((t) => t.length > 0);
}

export function allHashtags(draft: Draft): string[] {
  return [...new Set([...draft.hashtags, ...parseHashtags(draft.pendingHashtags)])];
}

/** Options as sent: a list typed one item per line loses its blank lines (and is left out when nothing remains). */
function sentOptions(options: Record<string, unknown>): Record<string, unknown> {
  const sent: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (!Array.isArray(value)) sent[name] = value;
    else if (value.some((v) => v !== '')) sent[name] = value.filter((v) => v !== '');
  }
  return sent;
}

export interface PostBody {
  content: string;
  hashtags: string[];
  media: MediaRef[];
  targets: { accountId: string; text: string | null; options?: Record<string, unknown> }[];
  localTime?: string;
  timezone?: string;
  fold?: Fold;
}

/**
 * The body of create, update and validate. `withSchedule`: the chosen time and zone are sent (Schedule, and the live
 * check once a time is chosen); without it the post is a draft (the create route makes a post without a time a draft).
 */
export function postBody(draft: Draft, withSchedule: boolean): PostBody {
  return {
    content: draft.content,
    hashtags: allHashtags(draft),
    // Uploads still running or failed are not part of the post yet.
    media: draft.media.flatMap((m) => {
      if (m.state !== 'done' || !m.ref) return [];
      const { mediaId, url } = m.ref;
      const alt = m.alt.trim();
      return [{ ...(mediaId ? { mediaId } : {}), ...(url ? { url } : {}), ...(alt ? { alt } : {}) }];
    }),
    targets: draft.targets.map((t) => {
      const options = sentOptions(t.options);
      return { accountId: t.accountId, text: t.text, ...(Object.keys(options).length > 0 ? { options } : {}) };
    }),
    ...(withSchedule && draft.when.localTime
      ? { localTime: draft.when.localTime, timezone: draft.when.timezone, ...(draft.when.fold ? { fold: draft.when.fold } : {}) }
      : {}),
  };
}
