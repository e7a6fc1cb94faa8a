// The creator's side of posting rules, shared by creator_info (§1.7) and the init endpoints (§1.8-1.10):
// which privacy levels the account offers, and whether the creator may post right now (a posting block, the daily
// direct-post cap, the client's active-user cap). creator_info reports a "cannot post" state with HTTP 200; init
// refuses with 403 and the same code.
import type { PostingBlock, PrivacyLevel, ResolvedTiktokOptions, TiktokSandboxUser } from './options.js';
import type { TiktokStore } from './store.js';

export function privacyLevelOptions(u: TiktokSandboxUser): PrivacyLevel[] {
  return u.privateAccount
    ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
    : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
}

/** Duet and stitch are off for private accounts whatever the setting (§1.7). */
export function interactionSettings(u: TiktokSandboxUser): { comment_disabled: boolean; duet_disabled: boolean; stitch_disabled: boolean } {
  return {
    comment_disabled: u.commentDisabled ?? false,
    duet_disabled: (u.duetDisabled ?? false) || (u.privateAccount ?? false),
    stitch_disabled: (u.stitchDisabled ?? false) || (u.privateAccount ?? false),
  };
}

const blockMessages: Record<PostingBlock, string> = {
  spam_risk_too_many_posts: 'The daily post cap from the API is reached for the current user.',
  spam_risk_user_banned_from_posting: 'The user is banned from making new posts.',
  reached_active_user_cap: 'The daily quota of active publishing users for this client is reached.',
};

/**
 * Why this creator cannot make a direct post now, if they cannot. `record` counts the user against the client's
 * active-user cap (init does, creator_info only looks).
 */
export function directPostBlock(
  store: TiktokStore, options: ResolvedTiktokOptions, u: TiktokSandboxUser, record: boolean,
): { code: PostingBlock; message: string } | undefined {
  if (u.postingBlock) return { code: u.postingBlock, message: blockMessages[u.postingBlock] };
  if (options.directPostsPerDay > 0 && store.directPostsToday(u.openId) >= options.directPostsPerDay) {
    return { code: 'spam_risk_too_many_posts', message: `${blockMessages.spam_risk_too_many_posts} (${options.directPostsPerDay} in 24 h)` };
  }
  if (!store.admitActiveUser(u.openId, options.activeUserCap, record)) {
    return { code: 'reached_active_user_cap', message: `${blockMessages.reached_active_user_cap} (${options.activeUserCap} users in 24 h)` };
  }
  return undefined;
}

/** Inbox uploads are only refused for a banned creator (§1.9 lists no daily-post cap for them). */
export function inboxBlock(u: TiktokSandboxUser): { code: PostingBlock; message: string } | undefined {
  return u.postingBlock === 'spam_risk_user_banned_from_posting' ? { code: u.postingBlock, message: blockMessages[u.postingBlock] } : undefined;
}
