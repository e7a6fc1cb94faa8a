// The numbers the simulated Instagram reports (§4.9, §4.10): derived from the ids (a hash), so the same media or
// account always answers the same, and growing with the time since publication, like real media do. Anything
// set through the control API (store overrides) replaces the derived value.
//   media    views grows with log2(2 + minutes since publication); reach, likes, ... are shares of it; comments
//            add the comments actually made in the sandbox.
//   account  new followers per UTC day (`follower_count`) and reach/views per day are hashes of (account, day);
//            `followers_count` is a base plus every day's new followers since FOLLOWERS_EPOCH, so the total and
//            the daily series always agree (total(d-1) = total(d) - new(d): the sandbox has no unfollows).
import { createHash } from 'node:crypto';
import type { Media, MetaStore } from './store.js';

const DAY_MS = 86_400_000;
const FOLLOWERS_EPOCH = Date.parse('2025-01-01T00:00:00Z');

/** A stable non-negative integer from the parts. */
export function seedOf(...parts: string[]): number {
  return createHash('sha256').update(parts.join('|')).digest().readUIntBE(0, 6);
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Current media metrics (§4.9) and the deprecated names, which answer (#100) "no longer supported". */
export const MEDIA_METRICS = new Set([
  'views', 'reach', 'likes', 'comments', 'shares', 'saved', 'total_interactions', 'follows', 'profile_visits', 'reposts',
  'ig_reels_avg_watch_time', 'ig_reels_video_view_total_time',
]);
export const ACCOUNT_TIME_SERIES_METRICS = new Set(['follower_count', 'reach']);
export const ACCOUNT_TOTAL_VALUE_METRICS = new Set([
  'views', 'reach', 'accounts_engaged', 'total_interactions', 'likes', 'comments', 'shares', 'saves', 'replies',
  'profile_links_taps', 'follows_and_unfollows',
]);
export const DEPRECATED_METRICS = new Map<string, string>([
  ['impressions', 'views'], ['plays', 'views'], ['clips_replays_count', 'views'], ['ig_reels_aggregated_all_plays_count', 'views'],
  ['video_views', 'views'], ['engagement', 'total_interactions'], ['carousel_album_engagement', 'total_interactions'],
  ['carousel_album_impressions', 'views'], ['carousel_album_reach', 'reach'], ['carousel_album_saved', 'saved'],
  ['carousel_album_video_views', 'views'], ['exits', 'navigation'], ['taps_forward', 'navigation'], ['taps_back', 'navigation'],
  ['profile_views', 'profile_visits on media'], ['email_contacts', 'profile_links_taps'], ['get_directions_clicks', 'profile_links_taps'],
  ['phone_call_clicks', 'profile_links_taps'], ['text_message_clicks', 'profile_links_taps'], ['website_clicks', 'profile_links_taps'],
]);

export function mediaMetrics(store: MetaStore, m: Media, now = Date.now()): Record<string, number> {
  const s = seedOf('media', m.id);
  const minutes = Math.max(0, (now - m.timestamp) / 60_000);
  const views = Math.floor((40 + (s % 160)) * Math.log2(2 + minutes));
  const reach = Math.floor((views * (55 + (s % 30))) / 100);
  const likes = Math.floor((reach * (4 + (Math.floor(s / 32) % 8))) / 100);
  const madeHere = store.comments.filter((c) => c.mediaId === m.id && !c.parentId).length;
  const comments = Math.floor(likes / 10) + madeHere;
  const shares = Math.floor(likes / 6);
  const saved = Math.floor(likes / 5);
  const profileVisits = Math.floor(reach / 25);
  const avgWatch = 2000 + (s % 9000);
  const derived: Record<string, number> = {
    views, reach, likes, comments, shares, saved, total_interactions: likes + comments + shares + saved,
    profile_visits: profileVisits, follows: Math.floor(profileVisits / 4), reposts: Math.floor(shares / 3),
    ...(m.productType === 'REELS' ? { ig_reels_avg_watch_time: avgWatch, ig_reels_video_view_total_time: avgWatch * views } : {}),
  };
  const set = store.mediaInsights.get(m.id)?.metrics ?? {};
  const out: Record<string, number> = { ...derived };
  for (const [k, v] of Object.entries(set)) if (v !== undefined) out[k] = v;
  if (set.total_interactions === undefined) out.total_interactions = out.likes! + out.comments! + out.shares! + out.saved!;
  return out;
}

/** One account metric for one UTC day (control-API value first). */
export function accountDayValue(store: MetaStore, igUserId: string, day: string, metric: string): number {
  const set = store.accountInsights.get(igUserId)?.days[day]?.[metric as 'follower_count' | 'reach' | 'views'];
  if (set !== undefined) return set;
  const s = seedOf('account', igUserId, day, metric === 'views' ? 'reach' : metric);
  switch (metric) {
    case 'follower_count': return s % 25;
    case 'reach': return 200 + (s % 1500);
    case 'views': return (200 + (s % 1500)) * (2 + (s % 3));
    default: return s % 100;
  }
}

/** Total followers now: the control-API value, else a base plus every day's new followers since the epoch. */
export function followersCount(store: MetaStore, igUserId: string, now = Date.now()): number {
  const set = store.accountInsights.get(igUserId)?.followersCount;
  if (set !== undefined) return set;
  let total = 1000 + (seedOf('followers', igUserId) % 4000);
  for (let t = FOLLOWERS_EPOCH; t <= now; t += DAY_MS) total += accountDayValue(store, igUserId, utcDay(t), 'follower_count');
  return total;
}
