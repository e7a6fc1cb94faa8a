// Messages the API sends to running workflows, and the ids it finds them by. Shared by API and workflows.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export const publishPostWorkflowId = (postId: string) => `post:${postId}`;
export const publishTargetWorkflowId = (postId: string, targetId: string) => `post:${postId}:target:${targetId}`;

export interface PublishPostInput {
  postId: string;
  userId: string;
  /** ISO 8601 instant (UTC). */
  scheduledAt: string;
}

export interface PublishTargetInput {
  postId: string;
  userId: string;
  targetId: string;
  platform: string;
  accountId: string;
}

export type PostPhase = 'waiting' | 'publishing' | 'finished' | 'cancelled';

export interface PostWorkflowState {
  phase: PostPhase;
  scheduledAt: string;
  outcome?: string;
}

/** Content changes of a scheduled post, already validated by the API. */
export interface PostEdit {
  content?: string;
  hashtags?: string[];
  media?: { mediaId?: string; url?: string }[];
  timezone?: string;
  /** Replaces all targets when present. */
  targets?: { accountId: string; platform: string; text?: string | null; options?: Record<string, unknown> }[];
  scheduledAt?: string;
}

/** Move the publish time (earlier, later, or now). Rejected once publishing has begun. */
export const rescheduleUpdate = defineUpdate<PostWorkflowState, [{ scheduledAt: string }]>('reschedule');
/** Cancel before publishing. Rejected once publishing has begun. */
export const cancelUpdate = defineUpdate<PostWorkflowState, []>('cancel');
/** Edit content/targets/time of a waiting post; the workflow is the post's only writer once scheduled. */
export const editUpdate = defineUpdate<PostWorkflowState, [PostEdit]>('edit');
export const postStateQuery = defineQuery<PostWorkflowState>('state');

/** A platform event for a target (from a webhook): wakes its await step early. */
export interface PlatformEventSignal {
  eventType: string;
  publishId?: string;
}
export const platformEventSignal = defineSignal<[PlatformEventSignal]>('platformEvent');
