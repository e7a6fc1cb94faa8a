// Runs a commentAction workflow under an id derived from the request, so a retried request joins or answers the
// first run instead of acting again: a reply sent twice (a client retry, a double click) posts once.
//   id = comment-action:<sha256 of user, Idempotency-Key (if any), comment, action and its argument[, version]>
// A running workflow with that id is joined (conflict policy USE_EXISTING); a completed one answers its result
// (reuse policy ALLOW_DUPLICATE_FAILED_ONLY); only a failed one is run again, so a refused reply can be retried
// once its cause is fixed. Hiding also hashes the comment's `updatedAt`, which every hide/unhide moves forward:
// hide, show, hide again are three actions, while a retry of one of them is not.
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { CommentActionInput, CommentActionResult } from '../activities/comment.activities.js';

export const COMMENT_ACTION_WORKFLOW_TYPE = 'commentAction';

export interface CommentActionRequest {
  userId: string;
  /** The request's Idempotency-Key: with one, the same action under another key is a new action. */
  idempotencyKey?: string;
  input: CommentActionInput;
  /** The comment's `updatedAt` as read before acting (hide/unhide only). */
  commentUpdatedAt: Date;
}

export function commentActionWorkflowId(r: CommentActionRequest): string {
  const { input } = r;
  const argument = input.action === 'reply' ? input.text : [input.hidden, r.commentUpdatedAt.toISOString()];
  const digest = createHash('sha256')
    .update(JSON.stringify([r.userId, r.idempotencyKey ?? null, input.commentId, input.action, argument]))
    .digest('hex');
  return `comment-action:${digest}`;
}

/** Starts (or joins) the action's workflow and waits for its result; a failure surfaces as WorkflowFailedError. */
export async function runCommentAction(client: Client, taskQueue: string, r: CommentActionRequest): Promise<CommentActionResult> {
  const workflowId = commentActionWorkflowId(r);
  try {
    const handle = await client.workflow.start(COMMENT_ACTION_WORKFLOW_TYPE, {
      taskQueue, workflowId, args: [r.input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return await handle.result() as CommentActionResult;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // Completed before: its result is the answer.
    return await client.workflow.getHandle(workflowId).result() as CommentActionResult;
  }
}
