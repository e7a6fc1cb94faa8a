// Runs a commentAction workflow under an id derived from the request, so a retried request joins or answers the
// first run instead of acting again: a reply sent twice (a client retry, a double click) posts once.
//   id = comment-action:<commentId>:<sha256 of user, Idempotency-Key (if any), comment, action, its argument[, version]>
// A running workflow with that id is joined (conflict policy USE_EXISTING) and a completed one answers its result.
// A failed one is run again only when its failure says the platform did not act (refused, auth, rate limited, retries
// of transient errors exhausted), so a refused reply can be sent once its cause is fixed; an ambiguous failure (the
// answer to the reply was lost: it may be posted) is answered as it was, never sent again. Hiding also hashes the
// comment's `updatedAt`, which every hide/unhide moves forward: hide, show, hide again are three actions, while a
// retry of one of them is not.
import { createHash } from 'node:crypto';
import { ActivityFailure, ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
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
  // The comment id in clear, so the Web UI finds a comment's actions by prefix.
  return `comment-action:${input.commentId}:${digest}`;
}

/** Starts (or joins) the action's workflow and waits for its result; a failure surfaces as WorkflowFailedError. */
export async function runCommentAction(client: Client, taskQueue: string, r: CommentActionRequest): Promise<CommentActionResult> {
  const workflowId = commentActionWorkflowId(r);
  const start = (workflowIdReusePolicy: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE') => client.workflow.start(COMMENT_ACTION_WORKFLOW_TYPE, {
    taskQueue, workflowId, args: [r.input], workflowIdReusePolicy, workflowIdConflictPolicy: 'USE_EXISTING',
  });
  let handle;
  try {
    handle = await start('REJECT_DUPLICATE');
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    try {
      return await client.workflow.getHandle(workflowId).result() as CommentActionResult;
    } catch (failure) {
      if (!platformDidNotAct(failure)) throw failure;
      // Two retries racing here both start with USE_EXISTING: the second joins the first's run.
      handle = await start('ALLOW_DUPLICATE');
    }
  }
  return await handle.result() as CommentActionResult;
}

/** Whether a closed run failed in a way that proves nothing reached the platform (see publish.activities' failure types). */
function platformDidNotAct(err: unknown): boolean {
  if (!(err instanceof WorkflowFailedError)) return false;
  const root = err.cause instanceof ActivityFailure ? err.cause.cause : err.cause;
  return root instanceof ApplicationFailure && root.type !== 'ambiguous';
}
