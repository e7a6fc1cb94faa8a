// What the API may do to a post's workflow: start it, change it through updates (answered once the workflow has
// accepted the change), read its state. Once a post is scheduled, its publishPost workflow is the only writer of
// its schedule, content and status, so an edit can never race the moment publishing starts.
import {
  WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  cancelUpdate, editUpdate, postStateQuery, publishPostWorkflowId, rescheduleUpdate,
  type PostEdit, type PostWorkflowState, type PublishPostInput,
} from '../workflows/messages.js';
import { PostIdKey, PublishStatusKey, PublishStatusSinceKey, UserIdKey } from '../workflows/search-attributes.js';

/** The workflow refused the change (e.g. the post is already publishing): the API answers 409. */
export class PostWorkflowConflict extends Error {}
/** No running workflow for this post. */
export class PostWorkflowMissing extends Error {}

export class PostCommands {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  /** Starts the post's workflow. Idempotent: a running workflow for the post is left as it is. */
  async start(input: PublishPostInput): Promise<void> {
    try {
      await this.client.workflow.start('publishPost', {
        workflowId: publishPostWorkflowId(input.postId),
        taskQueue: this.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: PostIdKey, value: input.postId },
          { key: UserIdKey, value: input.userId },
          { key: PublishStatusKey, value: 'SCHEDULED' },
          { key: PublishStatusSinceKey, value: new Date() },
        ],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  reschedule(postId: string, scheduledAt: Date): Promise<PostWorkflowState> {
    return this.update(postId, (h) => h.executeUpdate(rescheduleUpdate, { args: [{ scheduledAt: scheduledAt.toISOString() }] }));
  }

  cancel(postId: string): Promise<PostWorkflowState> {
    return this.update(postId, (h) => h.executeUpdate(cancelUpdate));
  }

  edit(postId: string, edit: PostEdit): Promise<PostWorkflowState> {
    return this.update(postId, (h) => h.executeUpdate(editUpdate, { args: [edit] }));
  }

  async state(postId: string): Promise<PostWorkflowState | undefined> {
    try {
      return await this.client.workflow.getHandle(publishPostWorkflowId(postId)).query(postStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  private async update(
    postId: string,
    send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<PostWorkflowState>,
  ): Promise<PostWorkflowState> {
    try {
      return await send(this.client.workflow.getHandle(publishPostWorkflowId(postId)));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new PostWorkflowMissing(`no running workflow for post ${postId}`);
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
        throw new PostWorkflowConflict(cause);
      }
      // A validator's rejection of a closed workflow surfaces as "workflow execution already completed".
      if (err instanceof Error && /already completed|workflow execution.*completed/i.test(err.message)) {
        throw new PostWorkflowMissing(`workflow for post ${postId} has finished`);
      }
      throw err;
    }
  }
}
