// commentAction: one reply to, or hide/unhide of, a comment, started by the API and awaited. A reply whose answer
// was lost is not sent again (it would post twice): only failures the provider vouches for are retried.
import { proxyActivities } from '@temporalio/workflow';
import type { CommentActionInput, CommentActionResult, createCommentActivities } from '../activities/comment.activities.js';

const { performCommentAction } = proxyActivities<ReturnType<typeof createCommentActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '20 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['permanent', 'auth', 'ambiguous', 'rate_limited'] },
});

export async function commentAction(input: CommentActionInput): Promise<CommentActionResult> {
  return performCommentAction(input);
}
