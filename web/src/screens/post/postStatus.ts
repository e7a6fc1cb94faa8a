// How the dashboard names and colours post and target statuses, and which of them are settled. The colours carry
// white text at WCAG AA contrast (they fill calendar events); the names follow the API's enum values.
import type { Post, PostStatus } from '../../api/types';

export const POST_STATUSES: { status: PostStatus; label: string; colour: string }[] = [
  { status: 'draft', label: 'Draft', colour: '#57606a' },
  { status: 'scheduled', label: 'Scheduled', colour: '#0b5cad' },
  { status: 'publishing', label: 'Publishing', colour: '#6639ba' },
  { status: 'published', label: 'Published', colour: '#1a7f37' },
  { status: 'partially_published', label: 'Partially published', colour: '#7d4e00' },
  { status: 'failed', label: 'Failed', colour: '#b42318' },
  { status: 'cancelled', label: 'Cancelled', colour: '#24292f' },
  { status: 'needs_attention', label: 'Needs attention', colour: '#9a3412' },
];

export function postStatusLabel(status: string): string {
  return POST_STATUSES.find((s) => s.status === status)?.label ?? status.replace(/_/g, ' ');
}

export function postStatusColour(status: string): string {
  return POST_STATUSES.find((s) => s.status === status)?.colour ?? '#57606a';
}

/** A badge tone for a post or target status: green done, red failed, amber for what needs a human, grey otherwise. */
export function statusTone(status: string): 'ok' | 'danger' | 'warn' | 'neutral' {
  if (status === 'published') return 'ok';
  if (status === 'failed') return 'danger';
  if (status === 'partially_published' || status === 'needs_attention' || status === 'needs_review') return 'warn';
  return 'neutral';
}

/** Target statuses in which a publish workflow is working on the target right now. */
const WORKING_TARGET_STATUSES = new Set(['preparing', 'uploading', 'submitting', 'processing', 'staged']);

/** How close to its due time a scheduled post starts being watched, so the page sees it begin publishing. */
const DUE_SOON_MS = 60_000;

/**
 * Whether the post may change on its own soon, so its page should poll. A scheduled post due next week is not
 * polled every 1.5 s until then: only once it is due within a minute (or overdue).
 */
export function isPostInMotion(post: Post, now = Date.now()): boolean {
  if (post.status === 'publishing') return true;
  if (post.targets.some((t) => WORKING_TARGET_STATUSES.has(t.status))) return true;
  if (post.status === 'scheduled' && post.scheduledAt) return Date.parse(post.scheduledAt) - now < DUE_SOON_MS;
  return false;
}

/** How often a post's page re-reads it: fast while it moves, slowly while it waits for its time (to notice it coming due). */
export function pollIntervalFor(post: Post, now = Date.now()): number | undefined {
  if (isPostInMotion(post, now)) return 1500;
  if (post.status === 'scheduled') return 30_000;
  return undefined;
}

/** Statuses the service lets each action act on (post-service.ts). */
export const canCancel = (s: PostStatus) => s === 'draft' || s === 'scheduled' || s === 'publishing';
export const canSchedule = (s: PostStatus) => s === 'draft' || s === 'cancelled' || s === 'scheduled';
export const canEdit = canSchedule;

/** A post one of whose targets reached a platform is kept: delete answers 409 published_on_platform. */
export const canDelete = (post: Post) => !post.targets.some((t) => t.status === 'published' || t.status === 'needs_review');
