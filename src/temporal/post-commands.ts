// What the API may do to a post's workflow: start it, change it through updates (answered once the workflow has
// accepted the change), read its state. Once a post is scheduled, its publishPost workflow is the only writer of
// its schedule, content and status, so an edit can never race the moment publishing starts.
import {
  WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client,
} from '@temporalio/client';
import { ApplicationFailure, type Priority } from '@temporalio/common';
import {
  cancelUpdate, editUpdate, postStateQuery, publishPostWorkflowId, rescheduleUpdate,
  type CancelRequest, type PostEdit, type PostWorkflowState, type PublishPostInput,
} from '../workflows/messages.js';
import { PostIdKey, PublishStatusKey, PublishStatusSinceKey, UserIdKey } from '../workflows/search-attributes.js';

/** The workflow refused the change (e.g. the post is already publishing): the API answers 409. */
export class PostWorkflowConflict extends Error {}
/** No running workflow for this post. */
export class PostWorkflowMissing extends Error {}

/** An update that reached a run just as it completed: a new run (update-with-start) takes the retry. */
const completedRun = /already completed|workflow execution.*completed/i;

/**
 * Task priority keys (Temporal task queue priorities: 1 is dispatched first, the server's default is 3, 5 last).
 * A post due soon runs ahead of everything else on the queue, and its children and activities inherit that; a post
 * due later starts behind everything else, so a bulk import of far-future posts (or the backlog a restart leaves)
 * never delays a due commit, an account's token refresh or a webhook.
 */
export const DUE_SOON_PRIORITY: Priority = { priorityKey: 1 };
export const FAR_FUTURE_PRIORITY: Priority = { priorityKey: 5 };

const GRPC_NOT_FOUND = 5;

/**
 * Moves the post's running workflow to DUE_SOON_PRIORITY (UpdateWorkflowExecutionOptions): every task it has from
 * then on (the timer that ends its wait, its children, their activities) is dispatched ahead of the queue's other
 * work. A workflow started far ahead keeps FAR_FUTURE_PRIORITY until this is called. No running workflow (never
 * started, or finished): nothing to raise, and the next start takes its priority from the due time. Returns whether
 * a workflow was raised.
 */
export async function preferPostAsDue(client: Client, postId: string): Promise<boolean> {
  try {
    await client.workflowService.updateWorkflowExecutionOptions({
      namespace: client.options.namespace,
      workflowExecution: { workflowId: publishPostWorkflowId(postId) },
      workflowExecutionOptions: { priority: DUE_SOON_PRIORITY },
      updateMask: { paths: ['priority'] },
    });
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === GRPC_NOT_FOUND) return false;
    throw err;
  }
}

export interface PostCommandOptions {
  /**
   * How long a call waits for the workflow to take the change (POST_WORKFLOW_ANSWER_TIMEOUT_SECONDS). An update is
   * answered by a worker: with none running it would wait forever; past this it fails with
   * WorkflowUpdateRPCTimeoutOrCancelledError (the API's 503), its effect unknown.
   */
  answerTimeoutMs?: number;
  /**
   * A post due within this many ms of now runs at DUE_SOON_PRIORITY, a later one at FAR_FUTURE_PRIORITY
   * (DUE_SOON_HORIZON_MINUTES; default one hour).
   */
  dueSoonHorizonMs?: number;
}

export class PostCommands {
  private readonly answerTimeoutMs: number;
  private readonly dueSoonHorizonMs: number;

  constructor(private readonly client: Client, private readonly taskQueue: string, options: PostCommandOptions = {}) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
    this.dueSoonHorizonMs = options.dueSoonHorizonMs ?? 60 * 60_000;
  }

  /** The priority a post's workflow should run at, given when it is due. */
  priorityFor(scheduledAt: string | Date): Priority {
    const due = typeof scheduledAt === 'string' ? Date.parse(scheduledAt) : scheduledAt.getTime();
    return due - Date.now() <= this.dueSoonHorizonMs ? DUE_SOON_PRIORITY : FAR_FUTURE_PRIORITY;
  }

  /** See preferPostAsDue. */
  preferAsDue(postId: string): Promise<boolean> {
    return preferPostAsDue(this.client, postId);
  }

  /**
   * An existing workflow takes a change at its own priority, so a post moved to within the horizon is raised before
   * the change is sent (else the change itself would wait behind a far-future backlog).
   */
  private async raiseIfDueSoon(postId: string, scheduledAt: string | undefined): Promise<void> {
    if (scheduledAt !== undefined && this.priorityFor(scheduledAt) === DUE_SOON_PRIORITY) await this.preferAsDue(postId);
  }

  private withinAnswerTimeout<T>(call: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + this.answerTimeoutMs, call);
  }

  /**
   * Delivers the post's publish time to its workflow with update-with-start: a running workflow (still waiting)
   * takes the new time, and a post without one (never started, cancelled earlier, lost) gets a fresh run. Answered
   * once the workflow has persisted the time, so "already started" can never hide a time that was not applied.
   * The caller decides whether the post may be scheduled at all (its row), and publishing itself only begins
   * through the row's scheduled -> publishing transition, so a run started for a post that is no longer scheduled
   * sends nothing.
   */
  async schedule(input: PublishPostInput & { timezone?: string }): Promise<PostWorkflowState> {
    const { timezone, ...rest } = input;
    const start: PublishPostInput = { ...rest, dueSoonHorizonMs: this.dueSoonHorizonMs };
    await this.raiseIfDueSoon(input.postId, input.scheduledAt);
    for (let attempt = 1; ; attempt++) {
      const startWorkflowOperation = new WithStartWorkflowOperation<(i: PublishPostInput) => Promise<PostWorkflowState>>('publishPost', {
        workflowId: publishPostWorkflowId(input.postId),
        taskQueue: this.taskQueue,
        args: [start],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // Applies to a new run only; an existing one was raised above when due soon.
        priority: this.priorityFor(input.scheduledAt),
        typedSearchAttributes: [
          { key: PostIdKey, value: input.postId },
          { key: UserIdKey, value: input.userId },
          { key: PublishStatusKey, value: 'SCHEDULED' },
          { key: PublishStatusSinceKey, value: new Date() },
        ],
      });
      try {
        return await this.withinAnswerTimeout(() => this.client.workflow.executeUpdateWithStart(rescheduleUpdate, {
          args: [{ scheduledAt: input.scheduledAt, ...(timezone !== undefined ? { timezone } : {}) }],
          startWorkflowOperation,
        }));
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const cause = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
          throw new PostWorkflowConflict(cause);
        }
        if (attempt < 3 && err instanceof Error && completedRun.test(err.message)) continue;
        throw err;
      }
    }
  }

  /** Same as schedule (kept for callers that think of it as starting the post's workflow). */
  async start(input: PublishPostInput): Promise<void> {
    await this.schedule(input);
  }

  /** Moves the time of a post whose workflow runs (no new run): for callers that hold no user id. */
  async reschedule(postId: string, scheduledAt: Date): Promise<PostWorkflowState> {
    await this.raiseIfDueSoon(postId, scheduledAt.toISOString());
    return this.update(postId, (h) => h.executeUpdate(rescheduleUpdate, { args: [{ scheduledAt: scheduledAt.toISOString() }] }));
  }

  /** Cancels a waiting post, or a publishing one (targets not yet past their commit end cancelled). */
  cancel(postId: string, request: CancelRequest = {}): Promise<PostWorkflowState> {
    return this.update(postId, (h) => h.executeUpdate(cancelUpdate, { args: [request] }));
  }

  async edit(postId: string, edit: PostEdit): Promise<PostWorkflowState> {
    await this.raiseIfDueSoon(postId, edit.scheduledAt);
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
      return await this.withinAnswerTimeout(() => send(this.client.workflow.getHandle(publishPostWorkflowId(postId))));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new PostWorkflowMissing(`no running workflow for post ${postId}`);
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
        throw new PostWorkflowConflict(cause);
      }
      // A validator's rejection of a closed workflow surfaces as "workflow execution already completed".
      if (err instanceof Error && completedRun.test(err.message)) {
        throw new PostWorkflowMissing(`workflow for post ${postId} has finished`);
      }
      throw err;
    }
  }
}
