// The post reconciler's work (run by the reconcilePosts workflow on the `reconcile-posts` Temporal Schedule): find
// posts whose row says scheduled/publishing while their workflow is missing or closed (an operator terminated it,
// history was lost, a start never landed), and targets stuck in a running status without a running workflow.
// It repairs what is safe: a scheduled post that committed nothing gets its workflow back (update-with-start with
// the stored time). Everything else is marked with the evidence: unfinished targets end needs_review (commit intent
// on record) or failed (nothing sent), and the post needs_attention unless every target published. Findings are
// stored in reconciler_findings (counted in /metrics) and returned to the workflow (its result, in the Web UI).
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { activityInfo } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { posts, postTargets, reconcilerFindings, type PostStatus, type TargetStatus } from '../db/schema.js';
import { PostCommands } from '../temporal/post-commands.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../workflows/messages.js';
import type { ActivityDeps } from './deps.js';
import { sumUpTargets } from './post-outcome.js';
import { finalTargetStatuses, hasCommitIntent } from './target-progress.js';
import { settleUnfinishedTarget } from './target-settling.js';

export interface ReconcileInput {
  /** A target in a running status untouched this long, without a running workflow, is stuck. */
  stuckAfterMinutes: number;
  /** Rows changed more recently than this are left alone (an API request may be handing them over right now). */
  graceSeconds?: number;
  /** At most this many posts and this many targets per run (default 500). */
  limit?: number;
  /** Only this user's posts (an operator looking into one account holder's posts); all posts when absent. */
  userId?: string;
}

export type FindingKind = 'post_workflow_missing' | 'post_workflow_closed' | 'target_stuck';

export interface ReconcileFinding {
  kind: FindingKind;
  action: 'restarted' | 'marked';
  postId: string;
  targetId?: string;
  evidence: string;
}

export interface ReconcileResult {
  postsChecked: number;
  targetsChecked: number;
  findings: ReconcileFinding[];
}

const runningTargetStatuses: TargetStatus[] = ['pending', 'preparing', 'uploading', 'submitting', 'processing'];

/** The workflow's status name (RUNNING, COMPLETED, TERMINATED, …), or undefined when there is none. */
async function workflowStatus(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export function createReconcileActivities({ database: { db }, temporalClient, postCommands }: ActivityDeps) {
  /** Ends the post's unfinished targets with the evidence and sums the post up; never hides a loss behind "cancelled". */
  async function markPost(postId: string, from: PostStatus, evidence: string): Promise<void> {
    const targets = await db.select({ id: postTargets.id, status: postTargets.status }).from(postTargets).where(eq(postTargets.postId, postId));
    const statuses: TargetStatus[] = [];
    for (const t of targets) {
      if (finalTargetStatuses.includes(t.status)) {
        statuses.push(t.status);
        continue;
      }
      statuses.push(await settleUnfinishedTarget(db, { targetId: t.id, cancelled: false, reason: evidence, code: 'workflow_lost' }));
    }
    const summed = sumUpTargets(statuses);
    // Whatever did not publish ended because the workflow was lost (targets cancelled by its close, or ended here),
    // not by the platform's or the user's decision: the user has to look.
    const status: PostStatus = summed === 'published' ? 'published' : 'needs_attention';
    await db.update(posts).set({
      status,
      attentionReason: status === 'needs_attention' ? `reconciler: ${evidence}` : null,
      publishedAt: statuses.includes('published') ? sql`coalesce(${posts.publishedAt}, now())` : null,
      updatedAt: new Date(),
    }).where(and(eq(posts.id, postId), eq(posts.status, from)));
  }

  return {
    async reconcilePosts(input: ReconcileInput): Promise<ReconcileResult> {
      const commands = new PostCommands(temporalClient, activityInfo().taskQueue, postCommands);
      const limit = input.limit ?? 500;
      const settledBefore = new Date(Date.now() - (input.graceSeconds ?? 60) * 1000);
      const findings: ReconcileFinding[] = [];

      const candidates = await db.select().from(posts)
        .where(and(
          inArray(posts.status, ['scheduled', 'publishing']), lt(posts.updatedAt, settledBefore),
          ...(input.userId ? [eq(posts.userId, input.userId)] : []),
        ))
        .orderBy(posts.updatedAt).limit(limit);
      for (const post of candidates) {
        const status = await workflowStatus(temporalClient, publishPostWorkflowId(post.id));
        if (status === 'RUNNING') continue;
        const kind: FindingKind = status ? 'post_workflow_closed' : 'post_workflow_missing';
        const seen = status ? `workflow ${publishPostWorkflowId(post.id)} is ${status}` : `no workflow ${publishPostWorkflowId(post.id)}`;
        const targets = await db.select({ attempts: postTargets.attempts }).from(postTargets).where(eq(postTargets.postId, post.id));
        const committed = targets.some((t) => hasCommitIntent(t.attempts));
        if (post.status === 'scheduled' && !committed) {
          await commands.schedule({ postId: post.id, userId: post.userId, scheduledAt: (post.scheduledAt ?? new Date()).toISOString() });
          findings.push({ kind, action: 'restarted', postId: post.id, evidence: `${seen} while the post was scheduled; nothing was sent; workflow started again` });
        } else {
          const evidence = `${seen} while the post was ${post.status}${committed ? '; a commit step was sent' : ''}`;
          await markPost(post.id, post.status, evidence);
          findings.push({ kind, action: 'marked', postId: post.id, evidence });
        }
      }

      const stuckBefore = new Date(Date.now() - input.stuckAfterMinutes * 60_000);
      const stuck = await db.select({ id: postTargets.id, postId: postTargets.postId, status: postTargets.status, updatedAt: postTargets.updatedAt })
        .from(postTargets).innerJoin(posts, eq(posts.id, postTargets.postId))
        .where(and(
          inArray(postTargets.status, runningTargetStatuses), lt(postTargets.updatedAt, stuckBefore), eq(posts.status, 'publishing'),
          ...(input.userId ? [eq(posts.userId, input.userId)] : []),
        ))
        .orderBy(postTargets.updatedAt).limit(limit);
      for (const t of stuck) {
        const status = await workflowStatus(temporalClient, publishTargetWorkflowId(t.postId, t.id));
        // A running workflow may legitimately wait (platform processing, rate limits): it reports for itself.
        if (status === 'RUNNING') continue;
        const evidence = `target ${t.status} since ${t.updatedAt.toISOString()}; ${status ? `its workflow is ${status}` : 'it has no workflow'}`;
        await settleUnfinishedTarget(db, { targetId: t.id, cancelled: false, reason: evidence, code: 'workflow_lost' });
        findings.push({ kind: 'target_stuck', action: 'marked', postId: t.postId, targetId: t.id, evidence });
      }

      if (findings.length > 0) {
        await db.insert(reconcilerFindings).values(findings.map((f) => ({
          kind: f.kind, action: f.action, postId: f.postId, targetId: f.targetId ?? null, evidence: f.evidence,
        })));
      }
      return { postsChecked: candidates.length, targetsChecked: stuck.length, findings };
    },
  };
}
