// Messages the API sends to running workflows, and the ids it finds them by. Shared by API and workflows.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export const publishPostWorkflowId = (postId: string) => `post:${postId}`;
export const publishTargetWorkflowId = (postId: string, targetId: string) => `post:${postId}:target:${targetId}`;
/**
 * Long byte transfers run on their own task queue next to the main one (and the worker's own slots for them), so an
 * upload never holds a slot a due commit needs.
 */
export const transferTaskQueue = (mainTaskQueue: string) => `${mainTaskQueue}-transfers`;

export interface PublishPostInput {
  postId: string;
  userId: string;
  /** ISO 8601 instant (UTC). */
  scheduledAt: string;
  /**
   * DUE_SOON_HORIZON_MINUTES: a post started far ahead runs at a low task priority; this long before its due time
   * the workflow raises itself to the due-soon priority, so its due work is not queued behind far-future work.
   */
  dueSoonHorizonMs?: number;
}

export interface PublishTargetInput {
  postId: string;
  userId: string;
  targetId: string;
  platform: string;
  accountId: string;
}

/** `not_scheduled`: at the due time the post's row was no longer scheduled (draft, cancelled, deleted): nothing sent. */
export type PostPhase = 'waiting' | 'publishing' | 'finished' | 'cancelled' | 'not_scheduled';

export interface PostWorkflowState {
  phase: PostPhase;
  scheduledAt: string;
  outcome?: string;
  /** A cancel was requested while publishing. */
  cancelRequested?: boolean;
  /** The post was deleted once its targets settled (DELETE while publishing, nothing published). */
  deleted?: boolean;
  /** Waiting, with the work that may precede the due time done (STAGED), or under way (STAGING). */
  staging?: 'staging' | 'staged';
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

/** What schedule, reschedule and publish-now deliver (update-with-start): the time, and the zone it was written in. */
export interface ScheduleRequest {
  /** ISO 8601 instant (UTC). */
  scheduledAt: string;
  /** IANA zone, when the request names one. */
  timezone?: string;
}

/** A cancel (POST /cancel) or a delete (DELETE) of a post. */
export interface CancelRequest {
  /** DELETE of a publishing post: once the targets settle, the post is deleted if nothing reached a platform. */
  deleteWhenSettled?: boolean;
  /**
   * What a staged scheduled commit made (a private YouTube video waiting for its publishAt) is kept, unscheduled,
   * instead of removed.
   */
  keepStaged?: boolean;
}

/** Move the publish time (earlier, later, or now). Rejected once publishing has begun. */
export const rescheduleUpdate = defineUpdate<PostWorkflowState, [ScheduleRequest]>('reschedule');
/**
 * Cancel. While waiting: the post is cancelled. While publishing: targets not yet past their commit step end
 * cancelled with nothing sent; targets past it finish and report truthfully; the post's status sums them up.
 */
export const cancelUpdate = defineUpdate<PostWorkflowState, [CancelRequest]>('cancel');
/** Edit content/targets/time of a waiting post; the workflow is the post's only writer once scheduled. */
export const editUpdate = defineUpdate<PostWorkflowState, [PostEdit]>('edit');
export const postStateQuery = defineQuery<PostWorkflowState>('state');

/** A platform event for a target (from a webhook): wakes its await step early. */
export interface PlatformEventSignal {
  eventType: string;
  publishId?: string;
}
export const platformEventSignal = defineSignal<[PlatformEventSignal]>('platformEvent');
