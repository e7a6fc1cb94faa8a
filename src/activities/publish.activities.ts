// Target-level activities: the generic bridge between the publishTarget workflow and a platform provider.
// Tokens are loaded and decrypted here, by account id, so they never enter workflow inputs or history.
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';
import { media as mediaTable, posts, postTargets, socialAccounts, type TargetAttempt, type TargetStatus } from '../db/schema.js';
import { openAccountTokens } from '../crypto/secret-fields.js';
import { composeTargetText } from '../platforms/post-text.js';
import { guessContentTypeFromUrl } from '../storage/media-types.js';
import { mayPublish, PLATFORM_WARNING, publishingBlockedBy } from '../platforms/account-warnings.js';
import {
  PublishError, type Json, type MediaSource, type PublishContext, type PublishState, type PublishStepSpec,
  type ReconcileOutcome, type StepOutcome,
} from '../platforms/provider.js';
import type { ClassifiedFailure } from '../workflows/step-failures.js';
import { DEFAULT_STAGING, type ActivityDeps } from './deps.js';
import { createQuotaStore } from './quota-store.js';
import { createTargetSecrets } from './target-secrets.js';
import { finalTargetStatuses, hasCommitIntent } from './target-progress.js';

export interface StepInput {
  targetId: string;
  step: PublishStepSpec;
  state: PublishState;
  /** Commit steps: the platform call does not leave before this instant (ISO; the post's due time). */
  notBefore?: string;
}

export interface CompleteTargetInput {
  targetId: string;
  status: 'published' | 'failed' | 'needs_review' | 'cancelled';
  state: PublishState;
  errorCode?: string;
  errorMessage?: string;
}

const HEARTBEAT_EVERY_MS = 5_000;

/** Maps a provider error to the failure the workflow classifies (src/workflows/step-failures.ts). */
export function toApplicationFailure(err: PublishError, extra: Record<string, string> = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type: err.kind,
    message: err.message,
    nonRetryable: err.kind !== 'transient',
    details: [{ code: err.code, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}), ...extra }],
  });
}


/** A target as publishPost walks it at the due instant (beginPublishingTargets). */
export interface PublishingTarget {
  targetId: string;
  platform: string;
  accountId: string;
  plan: PublishStepSpec[];
  /** Set when the target already reached a final status (this post's workflow runs again). */
  finalStatus?: TargetStatus;
  /** A commit step was attempted before (this post's workflow runs again): never walked inline from the start. */
  commitAttempted: boolean;
}

/** The staged prefix of a plan: its leading steps that may run before the due time (provider.ts, StagingRule). */
export function stagedPrefixLength(plan: PublishStepSpec[]): number {
  // A commit is staged only when its effect waits for a platform-side time (ScheduledCommitStaging).
  const i = plan.findIndex((s) => !s.stage || (s.kind === 'commit' && s.stage.scheduled !== true));
  return i < 0 ? plan.length : i;
}

const lastAttemptOf = (attempts: readonly TargetAttempt[], step: string) => [...attempts].reverse().find((a) => a.step === step);

/**
 * The commit guard: a commit step whose last attempt on record is an `intent` (the worker died during the call: a
 * local activity runs again after such a crash), an `ok` or an `ambiguous` (this post's workflow runs again) may
 * already have reached the platform. It is never sent again blindly: the workflow reconciles first.
 */
function sentBefore(attempts: readonly TargetAttempt[], step: string): TargetAttempt | undefined {
  const last = lastAttemptOf(attempts, step);
  return last && (last.outcome === 'intent' || last.outcome === 'ok' || last.outcome === 'ambiguous') ? last : undefined;
}

/**
 * What a non-commit step's outcome adds to the timeline: ok when it finishes (published for the last await), and
 * for an await step still waiting, the platform's status each time it changes (polls in between add nothing).
 */
function stepAttempt(step: string, outcome: StepOutcome, last: TargetAttempt | undefined): TargetAttempt | undefined {
  const at = new Date().toISOString();
  if (outcome.type === 'continue') return { at, step, outcome: 'ok' };
  if (outcome.type === 'published') return { at, step, outcome: 'ok', message: 'published' };
  const status = outcome.platformStatus;
  if (!status || (last?.outcome === 'pending' && last.message === status)) return undefined;
  return { at, step, outcome: 'pending', message: status };
}

export function createPublishActivities(deps: ActivityDeps) {
  const { database: { db }, platforms, crypto, mediaStore, mediaUrls, staging = DEFAULT_STAGING } = deps;
  const quota = createQuotaStore(db);
  const secretsOf = createTargetSecrets(db, crypto);

  /**
   * Shows (or, with undefined, clears) a platform's warning in an active account's status reason; never touches
   * another reason (a blocking condition, or the lifecycle's).
   */
  async function setPlatformWarning(accountId: string, warning: string | undefined): Promise<void> {
    const ours = sql`coalesce(${socialAccounts.statusReason} like ${`${PLATFORM_WARNING}:%`}, true)`;
    if (warning === undefined) {
      await db.update(socialAccounts).set({ statusReason: null })
        .where(and(eq(socialAccounts.id, accountId), eq(socialAccounts.status, 'active'), sql`${socialAccounts.statusReason} like ${`${PLATFORM_WARNING}:%`}`));
      return;
    }
    await db.update(socialAccounts).set({ statusReason: `${PLATFORM_WARNING}: ${warning}` })
      .where(and(eq(socialAccounts.id, accountId), eq(socialAccounts.status, 'active'), ours));
  }

  async function loadTarget(targetId: string) {
    const [row] = await db.select({ target: postTargets, post: posts, account: socialAccounts })
      .from(postTargets)
      .innerJoin(posts, eq(posts.id, postTargets.postId))
      .innerJoin(socialAccounts, eq(socialAccounts.id, postTargets.socialAccountId))
      .where(eq(postTargets.id, targetId));
    if (!row) throw ApplicationFailure.nonRetryable(`target ${targetId} not found`, 'permanent', { code: 'target_not_found' });
    return row;
  }

  async function loadMedia(refs: { mediaId?: string; url?: string; alt?: string }[]): Promise<MediaSource[]> {
    const ids = refs.flatMap((r) => (r.mediaId ? [r.mediaId] : []));
    const rows = ids.length ? await db.select().from(mediaTable).where(inArray(mediaTable.id, ids)) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return refs.map((r) => {
      if (r.mediaId) {
        const m = byId.get(r.mediaId);
        if (!m) throw new PublishError('permanent', 'media_missing', `media ${r.mediaId} no longer exists`);
        return {
          contentType: m.contentType,
          sizeBytes: m.sizeBytes,
          ...(r.alt !== undefined ? { alt: r.alt } : {}),
          open: (range) => mediaStore.open(m.storageKey, range),
          // Signed when the step runs, so the URL lives as long as MEDIA_URL_TTL_SECONDS from the platform's call.
          ...(mediaUrls ? { publicUrl: mediaUrls.urlFor({ id: m.id, contentType: m.contentType }) } : {}),
        };
      }
      return { contentType: guessContentTypeFromUrl(r.url!) ?? 'application/octet-stream', url: r.url!, ...(r.alt !== undefined ? { alt: r.alt } : {}) };
    });
  }

  /** One uploaded file of `userId` as a MediaSource (bytes from the store); undefined when there is none. */
  async function ownedMedia(userId: string, mediaId: string): Promise<MediaSource | undefined> {
    const [m] = await db.select().from(mediaTable).where(and(eq(mediaTable.id, mediaId), eq(mediaTable.userId, userId)));
    return m ? { contentType: m.contentType, sizeBytes: m.sizeBytes, open: (range) => mediaStore.open(m.storageKey, range) } : undefined;
  }

  async function appendAttempt(targetId: string, attempt: TargetAttempt, status?: TargetStatus) {
    await db.update(postTargets).set({
      attempts: sql`${postTargets.attempts} || ${JSON.stringify([attempt])}::jsonb`,
      ...(status ? { status } : {}),
      updatedAt: new Date(),
    }).where(eq(postTargets.id, targetId));
  }

  async function persistIds(targetId: string, state: PublishState, attempt?: TargetAttempt) {
    // Nothing to record (most prepare and await steps): no round trip.
    if (!attempt && !state.publishId && !state.containerId && !state.platformPostId && !state.permalink) return;
    await db.update(postTargets).set({
      ...(attempt ? { attempts: sql`${postTargets.attempts} || ${JSON.stringify([attempt])}::jsonb` } : {}),
      ...(state.publishId ? { publishId: state.publishId } : {}),
      ...(state.containerId ? { containerId: state.containerId } : {}),
      ...(state.platformPostId ? { platformPostId: state.platformPostId } : {}),
      ...(state.permalink ? { permalink: state.permalink } : {}),
      updatedAt: new Date(),
    }).where(eq(postTargets.id, targetId));
  }

  /** Everything a provider step needs, with the token decrypted in this process only. */
  async function buildContext(input: StepInput): Promise<{
    ctx: PublishContext; platform: string; attempts: TargetAttempt[]; status: TargetStatus; tokenExpiresAt?: string; stop: () => void;
    /** The account shows a platform's warning (a successful commit clears it). */
    warned: boolean;
  }> {
    const { target, post, account } = await loadTarget(input.targetId);
    if (!mayPublish(account)) {
      throw new PublishError('permanent', 'account_inactive', `account ${account.displayName ?? account.id} is ${account.status}${account.statusReason ? `: ${account.statusReason}` : ''}`);
    }
    const blocked = publishingBlockedBy(account.statusReason);
    if (blocked) throw new PublishError('permanent', blocked, `account ${account.displayName ?? account.id}: ${account.statusReason}`);
    const tokens = openAccountTokens(crypto, account);
    const activity = Context.current();
    const local = activityInfo().isLocal;
    let lastProgress = (local ? undefined : activityInfo().heartbeatDetails) as Json | undefined;
    // Keep the heartbeat going during slow platform calls so a dead worker is noticed in seconds, not minutes. (A
    // local activity has no heartbeat: the workflow task it runs in is what times out.)
    const timer = local ? undefined : setInterval(() => activity.heartbeat(lastProgress), HEARTBEAT_EVERY_MS);
    const ctx: PublishContext = {
      targetId: target.id,
      postId: post.id,
      account: { id: account.id, platformAccountId: account.platformAccountId, accessToken: tokens.accessToken, metadata: account.metadata },
      text: composeTargetText(target.textOverride ?? post.content, post.hashtags),
      hashtags: post.hashtags,
      media: await loadMedia(post.media),
      options: target.options,
      state: input.state,
      progress: lastProgress,
      heartbeat: (progress) => { lastProgress = progress; if (!local) activity.heartbeat(progress); },
      signal: activity.cancellationSignal,
      quota,
      secrets: secretsOf(target.id),
      mediaById: (mediaId) => ownedMedia(post.userId, mediaId),
      ...(post.scheduledAt ? { dueAt: post.scheduledAt.toISOString() } : {}),
    };
    return {
      ctx, platform: target.platform, attempts: target.attempts, status: target.status, stop: () => clearInterval(timer),
      warned: account.statusReason?.startsWith(`${PLATFORM_WARNING}:`) ?? false,
      ...(account.expiresAt ? { tokenExpiresAt: account.expiresAt.toISOString() } : {}),
    };
  }

  async function setRunningStatus(targetId: string, status: TargetStatus, attempt?: TargetAttempt) {
    await db.update(postTargets).set({
      status, updatedAt: new Date(),
      ...(attempt ? { attempts: sql`${postTargets.attempts} || ${JSON.stringify([attempt])}::jsonb` } : {}),
    })
      .where(and(eq(postTargets.id, targetId), notInArray(postTargets.status, [...finalTargetStatuses])));
  }

  function planOf(platform: string, options: Record<string, unknown>, media: MediaSource[]): PublishStepSpec[] {
    if (!platforms.has(platform)) {
      throw toApplicationFailure(new PublishError('permanent', 'platform_unavailable', `no provider is registered for platform ${platform} on this worker`));
    }
    return platforms.get(platform).publish.plan({ options, media: media.map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) })) });
  }

  async function targetsOf(postId: string) {
    const rows = await db.select({ target: postTargets, post: posts }).from(postTargets)
      .innerJoin(posts, eq(posts.id, postTargets.postId))
      .where(eq(postTargets.postId, postId)).orderBy(postTargets.createdAt, postTargets.id);
    const media = rows[0] ? await loadMedia(rows[0].post.media) : [];
    return { rows, media };
  }

  return {
    /**
     * How long before the due time publishPost begins the post's staged steps: STAGING_LEAD_SECONDS plus the time
     * its media take at a cautious upload rate; 0 when staging is off or no target's plan has a staged prefix.
     */
    async stagingLeadOf(postId: string): Promise<number> {
      if (staging.leadMs <= 0) return 0;
      const { rows, media } = await targetsOf(postId);
      const stages = rows.some(({ target }) => platforms.has(target.platform) && stagedPrefixLength(planOf(target.platform, target.options, media)) > 0);
      if (!stages) return 0;
      const bytes = media.reduce((sum, m) => sum + (m.sizeBytes ?? 0), 0);
      return staging.leadMs + Math.ceil((bytes / staging.uploadBytesPerSecond) * 1000);
    },

    /** The targets with their plans, for staging ahead of the due time (the row stays `scheduled`). */
    async stagingTargets(postId: string): Promise<PublishingTarget[]> {
      const { rows, media } = await targetsOf(postId);
      return rows.filter(({ target }) => platforms.has(target.platform) && !finalTargetStatuses.includes(target.status)).map(({ target }) => ({
        targetId: target.id, platform: target.platform, accountId: target.socialAccountId,
        plan: planOf(target.platform, target.options, media), commitAttempted: hasCommitIntent(target.attempts),
      }));
    },

    /**
     * The only way publishing begins when publishPost walks its targets itself: the row's scheduled -> publishing
     * transition (as beginPublishing), answered with every target's plan and how far it already got, in one call.
     * Undefined when the row is not scheduled: then nothing may be sent.
     */
    async beginPublishingTargets(postId: string): Promise<PublishingTarget[] | undefined> {
      const moved = await db.update(posts).set({ status: 'publishing', updatedAt: new Date() })
        .where(and(eq(posts.id, postId), inArray(posts.status, ['scheduled', 'publishing'])))
        .returning({ id: posts.id });
      if (moved.length === 0) return undefined;
      const { rows, media } = await targetsOf(postId);
      return rows.map(({ target }) => {
        const final = finalTargetStatuses.includes(target.status) ? { finalStatus: target.status } : {};
        let plan: PublishStepSpec[] = [];
        // A platform no longer served by this worker: the walk fails the target with the reason (an empty plan
        // cannot publish anything).
        try { plan = planOf(target.platform, target.options, media); } catch { plan = []; }
        return { targetId: target.id, platform: target.platform, accountId: target.socialAccountId, plan, commitAttempted: hasCommitIntent(target.attempts), ...final };
      });
    },

    /** The staged prefix of these targets is done: they show `staged` until the due instant. */
    async markTargetsStaged(targetIds: string[]): Promise<void> {
      if (targetIds.length === 0) return;
      await db.update(postTargets).set({ status: 'staged', updatedAt: new Date() })
        .where(and(inArray(postTargets.id, targetIds), inArray(postTargets.status, ['pending', 'preparing', 'uploading', 'processing', 'submitting', 'staged'])));
    },

    /**
     * Throws away a target's staged work (the post was edited, cancelled, or moved past what the staged artifacts stay
     * valid for): the provider removes what it can at the platform (best effort), and the target is pending again.
     */
    async discardStagedTarget(input: { targetId: string; state: PublishState; keep?: boolean }): Promise<void> {
      const [row] = await db.select({ platform: postTargets.platform }).from(postTargets).where(eq(postTargets.id, input.targetId));
      if (!row) return; // the edit that replaced the targets already removed it
      const provider = platforms.has(row.platform) ? platforms.get(row.platform).publish : undefined;
      if (provider?.discardStaged) {
        const built = await buildContext({ targetId: input.targetId, step: { name: 'discard', kind: 'prepare', status: 'pending' }, state: input.state })
          .catch(() => undefined); // an account that can no longer publish: its staged artifacts expire unused
        if (built) {
          try {
            await provider.discardStaged(built.ctx, input.keep ? { keep: true } : undefined);
          } catch (err) {
            deps.logger.warn({ targetId: input.targetId, err: err instanceof Error ? err.message : String(err) }, 'staged work could not be removed at the platform; it expires unused');
          } finally {
            built.stop();
          }
        }
      }
      // What a staged scheduled commit made is gone now, unless the user kept it (then its id stays on the target).
      await db.update(postTargets).set({ status: 'pending', containerId: null, publishId: null, ...(input.keep ? {} : { platformPostId: null, permalink: null }), updatedAt: new Date() })
        .where(and(eq(postTargets.id, input.targetId), inArray(postTargets.status, ['preparing', 'uploading', 'processing', 'submitting', 'staged'])));
    },

    /**
     * A staged scheduled commit took effect and the post moved: the provider moves the platform-side time. Throws
     * when it cannot (the workflow then throws the staged work away).
     */
    async rescheduleStagedTarget(input: { targetId: string; state: PublishState; dueAt: string }): Promise<void> {
      const built = await buildContext({ targetId: input.targetId, step: { name: 'reschedule', kind: 'prepare', status: 'staged' }, state: input.state });
      try {
        const provider = platforms.has(built.platform) ? platforms.get(built.platform).publish : undefined;
        if (!provider?.rescheduleStaged) throw ApplicationFailure.nonRetryable(`target ${input.targetId}: its platform cannot move a staged post`, 'permanent');
        await provider.rescheduleStaged(built.ctx, input.dueAt);
      } catch (err) {
        throw err instanceof PublishError ? toApplicationFailure(err) : err;
      } finally {
        built.stop();
      }
    },

    async getPublishPlan(targetId: string): Promise<PublishStepSpec[]> {
      const { target, post } = await loadTarget(targetId);
      const media = (await loadMedia(post.media)).map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) }));
      if (!platforms.has(target.platform)) {
        throw toApplicationFailure(new PublishError('permanent', 'platform_unavailable', `no provider is registered for platform ${target.platform} on this worker`));
      }
      return platforms.get(target.platform).publish.plan({ options: target.options, media });
    },

    async runPublishStep(input: StepInput): Promise<StepOutcome> {
      const { targetId, step } = input;
      const isCommit = step.kind === 'commit';
      let built: Awaited<ReturnType<typeof buildContext>> | undefined;
      // This step's last entry on the target's timeline, as loaded with the context.
      const lastOfStep = (b: { attempts: TargetAttempt[] }) => lastAttemptOf(b.attempts, step.name);
      try {
        built = await buildContext(input);
        if (isCommit) {
          const earlier = sentBefore(built.attempts, step.name);
          if (earlier) {
            throw new PublishError('ambiguous', 'sent_before', `${step.name} was already sent for this target (last attempt: ${earlier.outcome} at ${earlier.at}); the platform is asked before anything is sent again`);
          }
          // Loaded and ready ahead of the due time: the call leaves at the instant, never before it.
          const early = input.notBefore ? Date.parse(input.notBefore) - Date.now() : 0;
          if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
          // The status and the intent in one write, on record before the irreversible call leaves this process.
          await appendAttempt(targetId, { at: new Date().toISOString(), step: step.name, outcome: 'intent' }, step.status);
        } else {
          // The timeline shows a step once as started, however often it is retried or (await) polled.
          const started = step.kind !== 'await' && lastOfStep(built)?.outcome !== 'started'
            ? { at: new Date().toISOString(), step: step.name, outcome: 'started' as const } : undefined;
          if (built.status !== step.status || started) await setRunningStatus(targetId, step.status, started);
        }
        const outcome = await platforms.get(built.platform).publish.runStep(step.name, built.ctx);
        if (isCommit) {
          // The ids and the outcome in one write.
          await persistIds(targetId, outcome.state, { at: new Date().toISOString(), step: step.name, outcome: 'ok', ...(outcome.state.publishId ? { message: `publish id ${outcome.state.publishId}` } : {}) });
          // Best effort, after the outcome is on record: a publish that went through ends a platform's warning. Only
          // when the account shows one: every other commit (the due-instant hot path) skips the write.
          if (built.warned) await setPlatformWarning(built.ctx.account.id, undefined).catch(() => undefined);
        } else {
          await persistIds(targetId, outcome.state, stepAttempt(step.name, outcome, lastOfStep(built)));
        }
        return outcome;
      } catch (err) {
        const failure = err instanceof PublishError
          ? err
          // An unexpected error during the commit call may have happened after the platform applied it.
          : new PublishError(isCommit && built ? 'ambiguous' : 'transient', 'unexpected_error', err instanceof Error ? err.message : String(err));
        // A step retried on the same error records it once (a rate-limit wait too: the target says why it waits); a
        // commit's every outcome is on record.
        const last = built && lastOfStep(built);
        const repeated = !isCommit && failure.kind !== 'permanent' && last?.outcome === 'error' && last.code === failure.code;
        if ((isCommit && failure.code !== 'sent_before') || (!isCommit && !repeated)) {
          await appendAttempt(targetId, {
            at: new Date().toISOString(), step: step.name, outcome: failure.kind === 'ambiguous' ? 'ambiguous' : 'error', code: failure.code, message: failure.message,
          }).catch(() => undefined);
        }
        if (failure.accountWarning && built) await setPlatformWarning(built.ctx.account.id, failure.accountWarning).catch(() => undefined);
        // Which token the platform rejected: the account workflow refreshes only if it still holds that one.
        const rejected: Record<string, string> = failure.kind === 'auth' && built?.tokenExpiresAt ? { staleExpiresAt: built.tokenExpiresAt } : {};
        throw toApplicationFailure(failure, rejected);
      } finally {
        built?.stop();
      }
    },

    async reconcilePublishStep(input: StepInput & { failure: ClassifiedFailure }): Promise<ReconcileOutcome> {
      const built = await buildContext(input);
      try {
        const result = await platforms.get(built.platform).publish.reconcile(input.step.name, built.ctx);
        if (result.type === 'applied') await persistIds(input.targetId, result.state);
        await appendAttempt(input.targetId, {
          at: new Date().toISOString(), step: input.step.name, outcome: 'reconciled',
          message: result.type === 'unknown' ? `unknown: ${result.evidence}` : result.type,
        });
        return result;
      } catch (err) {
        if (err instanceof PublishError) throw toApplicationFailure(err);
        throw err;
      } finally {
        built.stop();
      }
    },

    async completeTarget(input: CompleteTargetInput): Promise<void> {
      const { targetId, status, state } = input;
      await db.update(postTargets).set({
        status,
        ...(state.publishId ? { publishId: state.publishId } : {}),
        ...(state.containerId ? { containerId: state.containerId } : {}),
        ...(state.platformPostId ? { platformPostId: state.platformPostId } : {}),
        ...(state.permalink ? { permalink: state.permalink } : {}),
        errorCode: input.errorCode ?? null,
        errorMessage: input.errorMessage ?? null,
        ...(status === 'published' ? { publishedAt: sql`coalesce(${postTargets.publishedAt}, now())` } : {}),
        updatedAt: new Date(),
      }).where(eq(postTargets.id, targetId));
    },
  };
}
