// The `creatorInfo` step (prepare, direct posts only): TikTok requires a Direct Post to use a privacy level from
// the creator's current `privacy_level_options` and to respect the interactions the creator turned off (§1.7).
// Checking here turns a doomed init into a clear permanent error listing what the creator allows, before anything
// irreversible. A creator who cannot post right now (HTTP 200 with spam_risk_* / reached_active_user_cap) becomes
// rate_limited or permanent through the envelope mapping (http.ts).
import { PublishError, type Json, type PublishContext, type StepOutcome } from '../provider.js';
import { shapeFor, targetOptions, type StepDeps } from './step-context.js';

interface CreatorInfo {
  creator_username?: Json;
  creator_nickname?: Json;
  privacy_level_options?: Json;
  comment_disabled?: Json;
  duet_disabled?: Json;
  stitch_disabled?: Json;
  max_video_post_duration_sec?: Json;
}

export const MISMATCH = 'privacy_level_option_mismatch';

export async function creatorInfoStep(deps: StepDeps, ctx: PublishContext): Promise<StepOutcome> {
  const options = targetOptions(ctx);
  const shape = shapeFor(ctx, deps);
  const info = await deps.http.api<CreatorInfo>({
    method: 'POST', path: '/v2/post/publish/creator_info/query/', token: ctx.account.accessToken, signal: ctx.signal,
  });
  const allowed = Array.isArray(info.privacy_level_options) ? info.privacy_level_options.filter((v): v is string => typeof v === 'string') : [];
  const who = typeof info.creator_username === 'string' ? `@${info.creator_username}` : 'the creator';
  if (!options.privacyLevel || !allowed.includes(options.privacyLevel)) {
    throw new PublishError('permanent', MISMATCH,
      `privacyLevel ${options.privacyLevel ?? '(none)'} is not available to ${who} on TikTok; allowed: ${allowed.join(', ') || '(none)'}`);
  }
  const refused: string[] = [];
  if (options.disableComment === false && info.comment_disabled === true) refused.push('comments are disabled (allowed: disableComment true)');
  if (shape.mediaType === 'VIDEO') {
    if (options.disableDuet === false && info.duet_disabled === true) refused.push('duets are disabled (allowed: disableDuet true)');
    if (options.disableStitch === false && info.stitch_disabled === true) refused.push('stitches are disabled (allowed: disableStitch true)');
  }
  if (refused.length > 0) {
    throw new PublishError('permanent', MISMATCH, `${who} on TikTok does not allow the requested interactions: ${refused.join('; ')}`);
  }
  return {
    type: 'continue',
    state: {
      ...ctx.state,
      data: {
        ...ctx.state.data,
        ...shape,
        ...(typeof info.creator_username === 'string' ? { creatorUsername: info.creator_username } : {}),
        creatorCommentDisabled: info.comment_disabled === true,
        creatorDuetDisabled: info.duet_disabled === true,
        creatorStitchDisabled: info.stitch_disabled === true,
        ...(typeof info.max_video_post_duration_sec === 'number' ? { maxVideoPostDurationSec: info.max_video_post_duration_sec } : {}),
      },
    },
  };
}
