// What the posts routes do, one method per operation. Who writes a post depends on its status:
//   draft, cancelled       the API, directly in Postgres;
//   scheduled              its publishPost workflow only: the API sends it updates (edit, reschedule, cancel),
//                          which the workflow refuses once publishing has begun, so no edit races the publish;
//   publishing and later   nobody but the workflow; the API answers 409, except cancel (and delete, which
//                          cancels and deletes once settled if nothing reached a platform), which the workflow takes.
// The publish time always reaches the workflow through update-with-start (create with a time, schedule, publish
// now), so a post scheduled again while an earlier run still waits never keeps the old time.
// Every change is validated in full (shape, schedule, accounts, media, platform limits) before anything is written.
import { PostWorkflowConflict, PostWorkflowMissing, type PostCommands } from '../../../../temporal/post-commands.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { PostStatus } from '../../../../db/schema.js';
import type { ValidationIssue } from '../../../../platforms/provider.js';
import type { ProviderRegistry } from '../../../../platforms/registry.js';
import type { PostEdit } from '../../../../workflows/messages.js';
import type { AuthenticatedUser } from '../../../auth/api-keys.js';
import { ApiError, conflict, notFound, unavailable, validationFailed } from '../../../errors.js';
import { findOwnedAccounts } from '../accounts/account-repository.js';
import { findOwnedMedia } from '../media/media-repository.js';
import { decodeCursor, encodeCursor } from '../../../pagination/keyset-cursor.js';
import { pageJson } from './post-json.js';
import { presentPost } from './post-presenter.js';
import {
  deletePost, findPost, insertPost, listPosts, markScheduled, setStatus, updateUnscheduledPost,
  type NewTarget, type PostWithTargets,
} from './post-repository.js';
import type {
  CreatePostBody, ListPostsQuery, PostView, SchedulePostBody, UpdatePostBody, ValidatePostBody, ValidationResult,
} from './post-schemas.js';
import { measureTarget, validatePostDraft, type PostDraft } from './post-validation.js';
import { resolveScheduleTime } from './schedule-time.js';

export interface PostServiceDeps {
  /** MEDIA_URL_SECRET is set: uploaded files can be handed to platforms as signed public URLs. */
  uploadsServedPublicly?: boolean;
  db: Db;
  providers: ProviderRegistry;
  postCommands: PostCommands;
  log: FastifyBaseLogger;
  now?: () => Date;
}

/** Statuses in which the API itself writes the post. */
const apiOwned = (s: PostStatus): s is 'draft' | 'cancelled' => s === 'draft' || s === 'cancelled';

const changedMeanwhile = () => conflict('the post changed while this request was handled; read it again and retry');

const notAllowed = (status: PostStatus, action: string, rule: string) =>
  conflict(`a ${status} post cannot be ${action}`, [{ field: 'status', rule, message: `the post is ${status}` }]);

export class PostService {
  private readonly now: () => Date;

  constructor(private readonly deps: PostServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async get(user: AuthenticatedUser, id: string): Promise<PostView> {
    return presentPost(await this.load(user, id));
  }

  /** A page of the listing, as the JSON text of its body (rendered by Postgres: post-json.ts). */
  async list(user: AuthenticatedUser, q: ListPostsQuery): Promise<string> {
    const issues: ValidationIssue[] = [];
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from > to) issues.push({ field: 'to', rule: 'range', message: 'must not be before from' });
    const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
    if (q.cursor !== undefined && !after) issues.push({ field: 'cursor', rule: 'cursor', message: 'not a cursor this API issued' });
    if (issues.length > 0) throw validationFailed(issues);

    const { items, next } = await listPosts(this.deps.db, user.id, { from, to, status: q.status, platform: q.platform, accountId: q.accountId }, after, q.limit);
    return pageJson(items, next ? encodeCursor(next) : null);
  }

  /**
   * What creating this draft would say, without storing anything: every issue the create route would raise, and
   * each known target's text length and hashtag count as its platform counts them (a composer's live counters).
   */
  async validate(user: AuthenticatedUser, body: ValidatePostBody): Promise<ValidationResult> {
    const hasSchedule = body.scheduledAt !== undefined || body.localTime !== undefined;
    const schedule = hasSchedule ? resolveScheduleTime(body, { zone: body.timezone ?? user.timezone, now: this.now() }) : { issues: [] };
    const draft: PostDraft = { content: body.content, hashtags: body.hashtags ?? [], media: body.media ?? [], targets: body.targets };
    const { issues, accounts } = await this.check(user, draft);
    const all = [
      ...(draft.targets.length === 0 ? [{ field: 'targets', rule: 'min_items', message: 'choose at least one account' }] : []),
      ...schedule.issues, ...issues,
    ];
    const targets = draft.targets.flatMap((t, n) => {
      const platform = accounts.get(t.accountId)?.platform;
      if (platform === undefined || !this.deps.providers.has(platform)) return [];
      const provider = this.deps.providers.get(platform);
      const measure = measureTarget(draft, n, provider);
      return [{
        accountId: t.accountId, platform, textLength: measure.textLength, maxTextLength: provider.limits.maxTextLength,
        hashtagCount: measure.hashtagCount, maxHashtags: provider.limits.maxHashtags,
      }];
    });
    return { valid: all.length === 0, issues: all, targets };
  }

  async create(user: AuthenticatedUser, body: CreatePostBody): Promise<PostView> {
    const timezone = body.timezone ?? user.timezone;
    const schedule = resolveScheduleTime(body, { zone: timezone, now: this.now() });
    const draft: PostDraft = { content: body.content, hashtags: body.hashtags ?? [], media: body.media ?? [], targets: body.targets };
    const { issues, targets } = await this.check(user, draft);
    if (schedule.issues.length + issues.length > 0) throw validationFailed([...schedule.issues, ...issues]);

    const id = await insertPost(this.deps.db, {
      userId: user.id,
      status: schedule.at ? 'scheduled' : 'draft',
      scheduledAt: schedule.at ?? null,
      timezone,
      content: draft.content,
      hashtags: draft.hashtags,
      media: draft.media,
    }, targets);
    if (schedule.at) await this.startWorkflow(user, id, schedule.at);
    return this.get(user, id);
  }

  async update(user: AuthenticatedUser, id: string, body: UpdatePostBody): Promise<PostView> {
    const current = await this.load(user, id);
    const { status } = current.post;
    if (!apiOwned(status) && status !== 'scheduled') throw notAllowed(status, 'edited', 'not_editable');

    const schedule = resolveScheduleTime(body, { zone: body.timezone ?? user.timezone, now: this.now() });
    const merged: PostDraft = {
      content: body.content ?? current.post.content,
      hashtags: body.hashtags ?? current.post.hashtags,
      media: body.media ?? current.post.media,
      targets: body.targets ?? storedDraft(current).targets,
    };
    const { issues, targets } = await this.check(user, merged);
    if (schedule.issues.length + issues.length > 0) throw validationFailed([...schedule.issues, ...issues]);

    const newTargets = body.targets ? targets : undefined;
    // Only what the request names changes; the rest keeps its stored value.
    const changes = {
      ...(body.content !== undefined ? { content: body.content } : {}),
      ...(body.hashtags !== undefined ? { hashtags: body.hashtags } : {}),
      ...(body.media !== undefined ? { media: body.media } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
    };
    if (apiOwned(status)) {
      const patch = { ...changes, ...(schedule.at ? { schedule: schedule.at } : {}) };
      if (!await updateUnscheduledPost(this.deps.db, user.id, id, status, patch, newTargets)) throw changedMeanwhile();
      if (schedule.at) await this.startWorkflow(user, id, schedule.at);
    } else {
      const edit: PostEdit = {
        ...changes,
        ...(newTargets ? { targets: newTargets } : {}),
        ...(schedule.at ? { scheduledAt: schedule.at.toISOString() } : {}),
      };
      await this.command(() => this.deps.postCommands.edit(id, edit));
    }
    return this.get(user, id);
  }

  /**
   * Deletes the post, never losing the record of something that reached a platform: a post with a published (or
   * possibly published) target is refused; a publishing post is cancelled and deleted by its workflow once its
   * targets settle, if none of them reached the platform (`undefined` is returned then: the deletion is pending).
   */
  async remove(user: AuthenticatedUser, id: string): Promise<PostView | undefined> {
    const current = await this.load(user, id);
    const { post } = current;
    const onPlatform = current.targets.filter((t) => t.status === 'published' || t.status === 'needs_review');
    if (onPlatform.length > 0) {
      throw conflict('the post reached a platform; its record is kept', onPlatform.map((t) => ({
        field: 'status', rule: 'published_on_platform', message: `target ${t.id} on ${t.platform} is ${t.status}`,
      })));
    }
    if (post.status === 'publishing') {
      await this.command(() => this.deps.postCommands.cancel(id, { deleteWhenSettled: true }));
      try {
        return await this.get(user, id);
      } catch (err) {
        // Its targets settled at once and the workflow has already deleted it: the deletion is done.
        if (err instanceof ApiError && err.statusCode === 404) return undefined;
        throw err;
      }
    }
    if (post.status === 'scheduled') {
      try {
        await this.command(() => this.deps.postCommands.cancel(id));
      } catch (err) {
        // No workflow to stop (it never started, or the Temporal history was lost): nothing will publish it.
        if (!(err instanceof MissingWorkflow)) throw err;
      }
    }
    if (!await deletePost(this.deps.db, user.id, id)) throw changedMeanwhile();
    return undefined;
  }

  publishNow(user: AuthenticatedUser, id: string): Promise<PostView> {
    return this.scheduleAt(user, id, () => ({ at: this.now(), issues: [] }), undefined);
  }

  schedule(user: AuthenticatedUser, id: string, body: SchedulePostBody): Promise<PostView> {
    const issues = body.scheduledAt === undefined && body.localTime === undefined
      ? [{ field: 'scheduledAt', rule: 'required', message: 'give scheduledAt, or localTime (with an optional timezone)' }]
      : [];
    if (issues.length > 0) throw validationFailed(issues);
    return this.scheduleAt(user, id, () => resolveScheduleTime(body, { zone: body.timezone ?? user.timezone, now: this.now() }), body.timezone);
  }

  /** Cancels a draft or scheduled post; a publishing one is cancelled by its workflow (see cancelUpdate). */
  async cancel(user: AuthenticatedUser, id: string, opts: { keepStaged?: boolean } = {}): Promise<PostView> {
    const { post } = await this.load(user, id);
    if (post.status === 'draft') {
      if (!await setStatus(this.deps.db, user.id, id, 'draft', 'cancelled')) throw changedMeanwhile();
    } else if (post.status === 'scheduled' || post.status === 'publishing') {
      await this.command(() => this.deps.postCommands.cancel(id, opts.keepStaged ? { keepStaged: true } : {}));
    } else {
      throw notAllowed(post.status, 'cancelled', 'not_cancellable');
    }
    return this.get(user, id);
  }

  // -------------------------------------------------------------------------------------------------------------

  private async scheduleAt(
    user: AuthenticatedUser,
    id: string,
    resolve: () => { at: Date | undefined; issues: ValidationIssue[] },
    timezone: string | undefined,
  ): Promise<PostView> {
    const current = await this.load(user, id);
    const { status } = current.post;
    if (!apiOwned(status) && status !== 'scheduled') throw notAllowed(status, 'scheduled', 'not_schedulable');
    const { at, issues } = resolve();
    if (issues.length > 0 || !at) throw validationFailed(issues);

    if (apiOwned(status)) {
      // A draft may have been saved before its account was disconnected or a limit changed: check it again.
      const check = await this.check(user, storedDraft(current));
      if (check.issues.length > 0) throw validationFailed(check.issues);
      if (!await markScheduled(this.deps.db, user.id, id, status, at, timezone)) throw changedMeanwhile();
      await this.startWorkflow(user, id, at);
    } else {
      // Update-with-start: the running workflow takes the time; a scheduled post whose workflow is gone gets one.
      await this.command(() => this.deps.postCommands.schedule({
        postId: id, userId: user.id, scheduledAt: at.toISOString(), ...(timezone !== undefined ? { timezone } : {}),
      }));
    }
    return this.get(user, id);
  }

  private async load(user: AuthenticatedUser, id: string): Promise<PostWithTargets> {
    const found = await findPost(this.deps.db, user.id, id);
    if (!found) throw notFound('post');
    return found;
  }

  /** Loads the caller's accounts and media the draft names and validates it; returns the targets to store. */
  private async check(
    user: AuthenticatedUser, draft: PostDraft,
  ): Promise<{ issues: ValidationIssue[]; targets: NewTarget[]; accounts: ReadonlyMap<string, { platform: string }> }> {
    const accountIds = [...new Set(draft.targets.map((t) => t.accountId))];
    const mediaIds = [...new Set(draft.media.flatMap((m) => (m.mediaId !== undefined ? [m.mediaId] : [])))];
    const [accounts, media] = await Promise.all([
      findOwnedAccounts(this.deps.db, user.id, accountIds),
      findOwnedMedia(this.deps.db, user.id, mediaIds),
    ]);
    const accountsById = new Map(accounts.map((a) => [a.id, a]));
    const issues = validatePostDraft(draft, {
      accounts: accountsById,
      media: new Map(media.map((m) => [m.id, m])),
      providers: this.deps.providers,
      uploadsServedPublicly: this.deps.uploadsServedPublicly ?? false,
    });
    const targets = draft.targets.flatMap((t) => {
      const account = accountsById.get(t.accountId);
      return account ? [{ accountId: t.accountId, platform: account.platform, text: t.text ?? null, options: t.options ?? {} }] : [];
    });
    return { issues, targets, accounts: accountsById };
  }

  /**
   * Hands a post the API just marked scheduled to its workflow (update-with-start). If that fails, or its outcome
   * is unknown (the call timed out but the server may have started the workflow), the post goes back to draft and
   * the caller gets a 503 (or the workflow's 409). Reverting is safe even when a workflow did start: publishing
   * begins only through the row's scheduled -> publishing transition, which a draft never takes. If the row has
   * already moved on, the workflow evidently has the post: the call succeeded after all.
   */
  private async startWorkflow(user: AuthenticatedUser, postId: string, at: Date): Promise<void> {
    try {
      await this.deps.postCommands.schedule({ postId, userId: user.id, scheduledAt: at.toISOString() });
    } catch (err) {
      if (!await setStatus(this.deps.db, user.id, postId, 'scheduled', 'draft')) {
        this.deps.log.warn({ err, postId }, 'the post workflow answered with an error, but it has taken the post');
        return;
      }
      this.deps.log.error({ err, postId }, 'could not hand the post to its workflow; post reverted to draft');
      if (err instanceof PostWorkflowConflict) throw apiErrorOf(err);
      throw unavailable('the scheduler is unavailable; the post was saved as a draft, schedule it again later', [
        { field: 'id', rule: 'saved_as_draft', message: `post ${postId} is a draft` },
      ]);
    }
  }

  /** Runs a workflow update, turning the workflow's refusals into 409s. */
  private async command<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw apiErrorOf(err);
    }
  }
}

/** The API's answer to a workflow's refusal (409) or absence; other errors go on as they are. */
function apiErrorOf(err: unknown): unknown {
  if (err instanceof PostWorkflowConflict) {
    return conflict(err.message, [{ field: 'status', rule: 'not_editable', message: 'publishing has begun or the post is closed' }]);
  }
  if (err instanceof PostWorkflowMissing) return new MissingWorkflow(err.message);
  return err;
}

/** A stored post as a draft to validate. */
const storedDraft = ({ post, targets }: PostWithTargets): PostDraft => ({
  content: post.content,
  hashtags: post.hashtags,
  media: post.media,
  targets: targets.map((t) => ({ accountId: t.socialAccountId, text: t.textOverride, options: t.options })),
});

/** A scheduled post without a running workflow: a 409 for changes, ignorable for deletion. */
class MissingWorkflow extends ApiError {
  constructor(message: string) {
    super(409, 'conflict', message, [{ field: 'status', rule: 'workflow_missing', message: 'the post has no running workflow' }]);
  }
}
