// How a post's final status sums up its targets' recorded statuses. A target whose outcome is unknown
// (needs_review) makes the whole post needs_attention: showing it as failed would invite the user to publish again,
// the very duplicate the commit protocol prevents. Something that reached the platform is never hidden behind
// "cancelled": a post cancelled after one target published reads partially_published.
import type { PostStatus, TargetStatus } from '../db/schema.js';

export type FinalPostStatus = Extract<PostStatus, 'published' | 'partially_published' | 'failed' | 'cancelled' | 'needs_attention'>;

export function sumUpTargets(statuses: readonly TargetStatus[]): FinalPostStatus {
  const count = (s: TargetStatus) => statuses.filter((x) => x === s).length;
  if (count('needs_review') > 0) return 'needs_attention';
  const published = count('published');
  if (published > 0) return published === statuses.length ? 'published' : 'partially_published';
  if (statuses.length > 0 && count('cancelled') === statuses.length) return 'cancelled';
  return 'failed';
}
