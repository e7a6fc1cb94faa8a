// Target-level activities: the generic bridge between the publishTarget workflow and a platform provider.
// Tokens are loaded and decrypted here, by account id, so they never enter workflow inputs or history.
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';
import { media as mediaTable, posts, postTargets, socialAccounts, type TargetAttempt, type TargetStatus } from '../db/schema.js';
import { openAccountTokens } from '../crypto/secret-fields.js';
import { composeTargetText } from '../platforms/post-text.js';
import { guessContentTypeFromUrl } from '../storage/media-types.js';
import { mayPublish, publishingBlockedBy } from '../platforms/account-warnings.js';
import {
  PublishError, type Json, type MediaSource, type PublishContext, type PublishState, type PublishStepSpec,
  type ReconcileOutcome, type StepOutcome,
} from '../platforms/provider.js';
import type { ClassifiedFailure } from '../workflows/step-failures.js';
import type { ActivityDeps } from './deps.js';
import { createQuotaStore } from './quota-store.js';
import { createTargetSecrets } from './target-secrets.js';
import { finalTargetStatuses } from './target-progress.js';

export interface StepInput {
  targetId: string;
  step: PublishStepSpec;
  state: PublishState;
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


export function createPublishActivities({ database: { db }, platforms, crypto, mediaStore, mediaUrls }: ActivityDeps) {
  const quota = createQuotaStore(db);
  const secretsOf = createTargetSecrets(db, crypto);
  async function loadTarget(targetId: string) {
    const [row] = await db.select({ target: postTargets, post: posts, account: socialAccounts })
      .from(postTargets)
      .innerJoin(posts, eq(posts.id, postTargets.postId))
      .innerJoin(socialAccounts, eq(socialAccounts.id, postTargets.socialAccountId))
      .where(eq(postTargets.id, targetId));
    if (!row) throw ApplicationFailure.nonRetryable(`target ${targetId} not found`, 'permanent', { code: 'target_not_found' });
    return row;
  }

  async function loadMedia(refs: { mediaId?: string; url?: string }[]): Promise<MediaSource[]> {
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
          open: (range) => mediaStore.open(m.storageKey, range),
          // Signed when the step runs, so the URL lives as long as MEDIA_URL_TTL_SECONDS from the platform's call.
          ...(mediaUrls ? { publicUrl: mediaUrls.urlFor({ id: m.id, contentType: m.contentType }) } : {}),
        };
      }
      return { contentType: guessContentTypeFromUrl(r.url!) ?? 'application/octet-stream', url: r.url! };
    });
  }

  async function appendAttempt(targetId: string, attempt: TargetAttempt, status?: TargetStatus) {
    await db.update(postTargets).set({
      attempts: sql`${postTargets.attempts} || ${JSON.stringify([attempt])}::jsonb`,
      ...(status ? { status } : {}),
      updatedAt: new Date(),
    }).where(eq(postTargets.id, targetId));
  }

  async function persistIds(targetId: string, state: PublishState) {
    await db.update(postTargets).set({
      ...(state.publishId ? { publishId: state.publishId } : {}),
      ...(state.containerId ? { containerId: state.containerId } : {}),
      ...(state.platformPostId ? { platformPostId: state.platformPostId } : {}),
      ...(state.permalink ? { permalink: state.permalink } : {}),
      updatedAt: new Date(),
    }).where(eq(postTargets.id, targetId));
  }

  /** Everything a provider step needs, with the token decrypted in this process only. */
  async function buildContext(input: StepInput): Promise<{ ctx: PublishContext; platform: string; tokenExpiresAt?: string; stop: () => void }> {
    const { target, post, account } = await loadTarget(input.targetId);
    if (!mayPublish(account)) {
      throw new PublishError('permanent', 'account_inactive', `account ${account.displayName ?? account.id} is ${account.status}${account.statusReason ? `: ${account.statusReason}` : ''}`);
    }
    const blocked = publishingBlockedBy(account.statusReason);
    if (blocked) throw new PublishError('permanent', blocked, `account ${account.displayName ?? account.id}: ${account.statusReason}`);
    const tokens = openAccountTokens(crypto, account);
    const activity = Context.current();
    let lastProgress = activityInfo().heartbeatDetails as Json | undefined;
    // Keep the heartbeat going during slow platform calls so a dead worker is noticed in seconds, not minutes.
    const timer = setInterval(() => activity.heartbeat(lastProgress), HEARTBEAT_EVERY_MS);
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
      heartbeat: (progress) => { lastProgress = progress; activity.heartbeat(progress); },
      signal: activity.cancellationSignal,
      quota,
      secrets: secretsOf(target.id),
    };
    return {
      ctx, platform: target.platform, stop: () => clearInterval(timer),
      ...(account.expiresAt ? { tokenExpiresAt: account.expiresAt.toISOString() } : {}),
    };
  }

  async function setRunningStatus(targetId: string, status: TargetStatus) {
    await db.update(postTargets).set({ status, updatedAt: new Date() })
      .where(and(eq(postTargets.id, targetId), notInArray(postTargets.status, [...finalTargetStatuses])));
  }

  return {
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
      try {
        await setRunningStatus(targetId, step.status);
        built = await buildContext(input);
        // The intent is on record before the irreversible call leaves this process.
        if (isCommit) await appendAttempt(targetId, { at: new Date().toISOString(), step: step.name, outcome: 'intent' });
        const outcome = await platforms.get(built.platform).publish.runStep(step.name, built.ctx);
        await persistIds(targetId, outcome.state);
        if (isCommit) await appendAttempt(targetId, { at: new Date().toISOString(), step: step.name, outcome: 'ok', ...(outcome.state.publishId ? { message: `publish id ${outcome.state.publishId}` } : {}) });
        return outcome;
      } catch (err) {
        const failure = err instanceof PublishError
          ? err
          // An unexpected error during the commit call may have happened after the platform applied it.
          : new PublishError(isCommit && built ? 'ambiguous' : 'transient', 'unexpected_error', err instanceof Error ? err.message : String(err));
        if (isCommit || failure.kind === 'permanent') {
          await appendAttempt(targetId, {
            at: new Date().toISOString(), step: step.name, outcome: failure.kind === 'ambiguous' ? 'ambiguous' : 'error', code: failure.code, message: failure.message,
          }).catch(() => undefined);
        }
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
