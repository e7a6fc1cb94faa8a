// The `status` step (await) and the status lookup the upload step resumes from (§1.13, POST status/fetch/).
//   PROCESSING_UPLOAD / PROCESSING_DOWNLOAD -> pending (poll again after `pollIntervalMs`; webhooks wake earlier)
//   SEND_TO_USER_INBOX                      -> inbox: published, `data.deliveredToInbox = true`. Herald's job ends
//                                              when the draft is in the creator's TikTok inbox: posting it is the
//                                              creator's act in the app, with settings Herald does not choose, and
//                                              may happen days later or never (TikTok's post.publish.complete
//                                              webhook reports it when it does). Direct posts never stop here.
//   PUBLISH_COMPLETE                        -> published; `platformPostId` = the first public post id, as a string
//                                              (parsed int64-safe; never through a JS number), permalink when the
//                                              username is known. A public direct post whose id is still withheld by
//                                              moderation waits up to `publicPostIdWaitMs` for it; non-public posts
//                                              never get one.
//   FAILED                                  -> permanent PublishError with fail_reason as code. A FAILED publish
//                                              stays FAILED, so polling again cannot help; for the reasons §1.15
//                                              calls retryable (`internal`, `video_pull_failed`, `photo_pull_failed`)
//                                              the message says that publishing the post again may succeed.
// The inbox-pending quota hold is released once TikTok reports the share posted or failed.
// Every status request first takes a slot of the account's status budget (`tiktok:status:<account>`, shared by all
// workers through the QuotaGate: TikTok allows 30 a minute per token, and several targets of one account poll at
// once). With the budget spent, the status step does not call TikTok: it answers pending until a slot frees (a
// webhook still wakes the target earlier); the upload step's status reads answer rate_limited with the same wait.
import { randomUUID } from 'node:crypto';
import { PublishError, type Json, type PublishContext, type PublishState, type StepOutcome } from '../provider.js';
import { idString } from './json.js';
import { creatorFacts, shapeOf } from './publish-state.js';
import { inboxPendingQuotaKey, statusQuotaKey, targetOptions, type StepDeps } from './step-context.js';

export interface PublishStatus {
  status: string;
  failReason?: string;
  /** Public post ids, exact decimal strings. */
  postIds: string[];
  uploadedBytes?: number;
  downloadedBytes?: number;
}

const RETRYABLE_FAIL_REASONS = new Set(['internal', 'video_pull_failed', 'photo_pull_failed']);

export async function fetchStatus(deps: StepDeps, ctx: PublishContext, publishId: string): Promise<PublishStatus> {
  const { limit, windowMs } = deps.options.statusBudget;
  const slot = await ctx.quota.acquire(statusQuotaKey(ctx.account.id), { limit, windowMs, holdId: `${ctx.targetId}:${randomUUID()}` });
  if (!slot.ok) {
    throw new PublishError('rate_limited', 'status_quota', `TikTok allows ${limit} status requests per minute per account, all spent`, slot.retryAfterMs);
  }
  const data = await deps.http.api<{ status?: Json; fail_reason?: Json; publicaly_available_post_id?: Json; uploaded_bytes?: Json; downloaded_bytes?: Json }>({
    method: 'POST', path: '/v2/post/publish/status/fetch/', token: ctx.account.accessToken, json: { publish_id: publishId }, signal: ctx.signal,
  });
  if (typeof data.status !== 'string') throw new PublishError('transient', 'invalid_response', 'status/fetch answered ok without a status');
  const ids = Array.isArray(data.publicaly_available_post_id) ? data.publicaly_available_post_id : [];
  return {
    status: data.status,
    ...(typeof data.fail_reason === 'string' && data.fail_reason !== '' ? { failReason: data.fail_reason } : {}),
    postIds: ids.map(idString).filter((v): v is string => v !== undefined),
    ...(typeof data.uploaded_bytes === 'number' ? { uploadedBytes: data.uploaded_bytes } : {}),
    ...(typeof data.downloaded_bytes === 'number' ? { downloadedBytes: data.downloaded_bytes } : {}),
  };
}

/** TikTok's web address of a post, when the creator's username is known. */
export function permalinkFor(username: string | undefined, postId: string, mediaType: 'VIDEO' | 'PHOTO' | undefined): string | undefined {
  if (!username) return undefined;
  return `https://www.tiktok.com/@${encodeURIComponent(username)}/${mediaType === 'PHOTO' ? 'photo' : 'video'}/${postId}`;
}

export function failureFor(st: PublishStatus): PublishError {
  const reason = st.failReason ?? 'unknown';
  const hint = RETRYABLE_FAIL_REASONS.has(reason) ? ' (TikTok documents this as retryable: publish the post again)' : '';
  return new PublishError('permanent', reason, `TikTok failed the publish: ${reason}${hint}`);
}

export async function statusStep(deps: StepDeps, ctx: PublishContext): Promise<StepOutcome> {
  const publishId = ctx.state.publishId;
  if (!publishId) throw new PublishError('permanent', 'missing_publish_id', 'the status step ran without a publish id');
  const shape = shapeOf(ctx.state);
  const mode = shape.mode ?? targetOptions(ctx).mode;
  const releaseInboxHold = async () => {
    if (mode === 'inbox') await ctx.quota.release(inboxPendingQuotaKey(ctx.account.id), ctx.targetId);
  };
  const pending = (state: PublishState, platformStatus: string): StepOutcome =>
    ({ type: 'pending', state, pollAfterMs: deps.options.pollIntervalMs, platformStatus });

  let st: PublishStatus;
  try {
    st = await fetchStatus(deps, ctx, publishId);
  } catch (err) {
    // The account's status budget is spent (by this and its other targets): wait for a slot like for a poll.
    if (err instanceof PublishError && err.code === 'status_quota') {
      return { type: 'pending', state: ctx.state, pollAfterMs: Math.max(deps.options.pollIntervalMs, err.retryAfterMs ?? 0), platformStatus: 'waiting for the status budget' };
    }
    throw err;
  }
  switch (st.status) {
    case 'SEND_TO_USER_INBOX':
      if (mode !== 'inbox') return pending(ctx.state, st.status);
      return { type: 'published', state: { ...ctx.state, data: { ...ctx.state.data, deliveredToInbox: true } } };

    case 'PUBLISH_COMPLETE': {
      await releaseInboxHold();
      const postId = st.postIds[0];
      if (!postId) {
        // Public direct posts get their id once moderation passes (usually < 1 min); wait for it a while.
        const seen = typeof ctx.state.data.completeSeenAt === 'string' ? Date.parse(ctx.state.data.completeSeenAt) : Date.now();
        const isPublic = mode === 'direct' && targetOptions(ctx).privacyLevel === 'PUBLIC_TO_EVERYONE';
        if (isPublic && Date.now() - seen < deps.options.publicPostIdWaitMs) {
          return pending({ ...ctx.state, data: { ...ctx.state.data, completeSeenAt: new Date(seen).toISOString() } }, 'PUBLISH_COMPLETE (awaiting public post id)');
        }
        return { type: 'published', state: ctx.state };
      }
      const username = creatorFacts(ctx.state).creatorUsername
        ?? (typeof ctx.account.metadata.username === 'string' ? ctx.account.metadata.username : undefined);
      const permalink = permalinkFor(username, postId, shape.mediaType);
      return {
        type: 'published',
        state: {
          ...ctx.state,
          platformPostId: postId,
          ...(permalink ? { permalink } : {}),
          ...(st.postIds.length > 1 ? { data: { ...ctx.state.data, publicPostIds: st.postIds } } : {}),
        },
      };
    }

    case 'FAILED':
      await releaseInboxHold();
      throw failureFor(st);

    default:
      return pending(ctx.state, st.status);
  }
}
