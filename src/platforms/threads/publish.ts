// Publishing on Threads (contract §6.4-6.7) as a plan of steps:
//   limit            prepare  holds on Herald's quotas across workers (250 posts and, for a thread, 1,000 replies per
//                             24 h, §6.7) and Threads' own threads_publishing_limit; at a limit → rate_limited
//   children         prepare  carousels only: one item container per media (is_carousel_item=true)
//   childrenStatus   await    carousels only: every item FINISHED
//   container        prepare  the TEXT / IMAGE / VIDEO / CAROUSEL container. Repeating it is harmless: an
//                             unpublished container publishes nothing and expires after 24 h (§6.6 EXPIRED)
//   containerStatus  await    status: IN_PROGRESS → poll; FINISHED → go on; ERROR / EXPIRED → permanent
//   publish          commit   threads_publish (irreversible): the post id becomes platformPostId
//   then for each follow-up part k of `options.thread` (1-based), a reply to the part before it:
//   part.k.container prepare  a TEXT container with reply_to_id = the previous part's post id
//   part.k.status    await    that container FINISHED
//   part.k.publish   commit   its threads_publish; the post id is recorded in state.data.parts[k]
//   permalink        prepare  reads the root post's permalink; the post is published
// Each part's container and post id are recorded as its steps finish, so after a crash the walk resumes at the first
// unfinished step and never publishes a part twice; a lost threads_publish answer is reconciled (reconcile) before
// anything is sent again. Container and post ids are not secrets; the token never enters the state.
import { PublishError, type Json, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import type { ThreadsGraph } from './http.js';
import type { ResolvedThreadsOptions } from './options.js';
import { threadParts } from '../shared/thread-parts.js';
import { mediaTypeOf } from './target.js';

interface StatusAnswer { status?: unknown; error_message?: unknown }
interface ThreadAnswer { id?: unknown; text?: unknown; timestamp?: unknown; permalink?: unknown; replied_to?: { id?: unknown } }
interface PartRecord { containerId?: string; containerCreatedAt?: string; postId?: string }

/** §6.6: a container not published within 24 hours turns EXPIRED. */
const CONTAINER_VALID_MS = 24 * 60 * 60 * 1000;
const CONTAINER_VALIDITY_BASIS = 'Threads container status reference: EXPIRED when not published within 24 hours';
/** Graph code/subcode threads_publish answers for a container it cannot find (yet). */
const CONTAINER_NOT_READY = '24/4279009';
const PART_STEP = /^part\.(\d+)\.(container|status|publish)$/;

const postsQuotaKey = (ctx: PublishContext) => `threads:publish:${ctx.account.id}`;
const repliesQuotaKey = (ctx: PublishContext) => `threads:replies:${ctx.account.id}`;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const idOf = (x: unknown): string | undefined => (typeof x === 'string' && x ? x : typeof x === 'number' ? String(x) : undefined);

function partsOf(state: PublishState): Record<string, PartRecord> {
  const p = state.data.parts;
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, PartRecord>) : {};
}

function withPart(state: PublishState, k: number, rec: PartRecord): PublishState {
  const parts = { ...partsOf(state), [k]: { ...partsOf(state)[k], ...rec } };
  return { ...state, data: { ...state.data, parts: parts as unknown as Json } };
}

export function createThreadsPublish(graph: ThreadsGraph, options: ResolvedThreadsOptions): PublishProvider {
  const get = <T>(ctx: PublishContext, path: string, what: string, params?: Record<string, string>) =>
    graph.api.call<T>(path, { token: ctx.account.accessToken, what, signal: ctx.signal, ...(params ? { params } : {}) });
  const post = <T>(ctx: PublishContext, path: string, what: string, params: Record<string, string>, commit = false) =>
    graph.api.call<T>(path, { method: 'POST', token: ctx.account.accessToken, what, params, commit, signal: ctx.signal });

  function mediaUrl(ctx: PublishContext, i: number): string {
    const url = ctx.media[i]?.url ?? ctx.media[i]?.publicUrl;
    if (!url) throw new PublishError('permanent', 'public_url_required', `media ${i} has no public URL; Threads only fetches media from public URLs`);
    return url;
  }

  async function createContainer(ctx: PublishContext, params: Record<string, string>, what: string): Promise<string> {
    const a = await post<{ id?: unknown }>(ctx, `/${ctx.account.platformAccountId}/threads`, what, params);
    const id = idOf(a.id);
    if (!id) throw new PublishError('transient', 'invalid_response', `${what} answered without a container id`);
    return id;
  }

  async function statusOf(ctx: PublishContext, containerId: string): Promise<{ code: string; text: string }> {
    const a = await get<StatusAnswer>(ctx, `/${containerId}`, 'container status', { fields: 'status,error_message' });
    return { code: typeof a.status === 'string' ? a.status : 'UNKNOWN', text: typeof a.error_message === 'string' ? a.error_message : '' };
  }

  /** pending while IN_PROGRESS, continue once FINISHED (or already PUBLISHED); ERROR / EXPIRED end the target. */
  async function awaitContainer(ctx: PublishContext, containerId: string, which: string): Promise<StepOutcome> {
    const s = await statusOf(ctx, containerId);
    if (s.code === 'ERROR' || s.code === 'EXPIRED') {
      throw new PublishError('permanent', `container_${s.code.toLowerCase()}`, `${which} ended ${s.code}${s.text ? `: ${s.text}` : ''}`);
    }
    if (s.code === 'FINISHED' || s.code === 'PUBLISHED') return { type: 'continue', state: ctx.state };
    return { type: 'pending', state: ctx.state, pollAfterMs: options.pollIntervalMs, platformStatus: s.code };
  }

  async function publishContainer(ctx: PublishContext, containerId: string, what: string): Promise<string> {
    let a: { id?: unknown };
    try {
      a = await post<{ id?: unknown }>(ctx, `/${ctx.account.platformAccountId}/threads_publish`, what, { creation_id: containerId }, true);
    } catch (err) {
      // 24/4279009 "Media Not Found" answers a publish that came before Threads finished with the container (seen
      // seconds after creation even when its status read FINISHED): a refusal, nothing published; send it again.
      if (err instanceof PublishError && err.code === CONTAINER_NOT_READY) throw new PublishError('transient', err.code, err.message);
      throw err;
    }
    const id = idOf(a.id);
    if (!id) throw new PublishError('ambiguous', 'invalid_response', `${what} answered without a post id`);
    return id;
  }

  /** The post id part k replies to: the root post for part 1, else part k-1's post. */
  function previousPostId(state: PublishState, k: number): string {
    const id = k === 1 ? state.platformPostId : partsOf(state)[k - 1]?.postId;
    if (!id) throw new PublishError('permanent', 'missing_parent', `part ${k} of the thread has no published post to reply to`);
    return id;
  }

  function partText(ctx: PublishContext, k: number): string {
    const text = threadParts(ctx.options)[k - 1];
    if (text === undefined) throw new PublishError('permanent', 'unknown_step', `the thread has no part ${k}`);
    return text;
  }

  const steps: Record<string, (ctx: PublishContext) => Promise<StepOutcome>> = {
    async limit(ctx) {
      const replies = threadParts(ctx.options).length;
      const posts = await ctx.quota.acquire(postsQuotaKey(ctx), { limit: options.publishingLimit, windowMs: options.publishingWindowMs, holdId: ctx.targetId });
      if (!posts.ok) throw new PublishError('rate_limited', 'publishing_limit', `the account reached ${options.publishingLimit} posts in the publishing window`, posts.retryAfterMs);
      if (replies > 0) {
        const held = await ctx.quota.acquire(repliesQuotaKey(ctx), { limit: options.replyLimit, windowMs: options.publishingWindowMs, holdId: ctx.targetId, count: replies });
        if (!held.ok) throw new PublishError('rate_limited', 'reply_limit', `the account's ${options.replyLimit} replies per publishing window leave no room for ${replies} thread parts`, held.retryAfterMs);
      }
      const a = await get<{ data?: { quota_usage?: unknown; config?: { quota_total?: unknown }; reply_quota_usage?: unknown; reply_config?: { quota_total?: unknown } }[] }>(
        ctx, `/${ctx.account.platformAccountId}/threads_publishing_limit`, 'publishing limit', { fields: 'quota_usage,config,reply_quota_usage,reply_config' });
      const row = a.data?.[0];
      const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
      const used = num(row?.quota_usage, 0);
      const total = num(row?.config?.quota_total, options.publishingLimit);
      // Threads does not say when the oldest post leaves the moving window: look again after the configured wait.
      if (used >= total) throw new PublishError('rate_limited', 'threads_publishing_limit', `Threads reports ${used}/${total} API posts in the last 24 h`, options.rateLimitWaitMs);
      const repliesUsed = num(row?.reply_quota_usage, 0);
      const repliesTotal = num(row?.reply_config?.quota_total, options.replyLimit);
      if (replies > 0 && repliesUsed + replies > repliesTotal) {
        throw new PublishError('rate_limited', 'threads_reply_limit', `Threads reports ${repliesUsed}/${repliesTotal} replies in the last 24 h; the thread needs ${replies}`, options.rateLimitWaitMs);
      }
      return { type: 'continue', state: ctx.state };
    },

    async children(ctx) {
      if (strings(ctx.state.data.children).length === ctx.media.length) return { type: 'continue', state: ctx.state };
      const ids: string[] = [];
      for (let i = 0; i < ctx.media.length; i++) {
        const video = ctx.media[i]!.contentType.startsWith('video/');
        ids.push(await createContainer(ctx, {
          is_carousel_item: 'true', media_type: video ? 'VIDEO' : 'IMAGE', ...(video ? { video_url: mediaUrl(ctx, i) } : { image_url: mediaUrl(ctx, i) }),
        }, `carousel item ${i} container`));
      }
      return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, children: ids } } };
    },

    async childrenStatus(ctx) {
      for (const id of strings(ctx.state.data.children)) {
        const r = await awaitContainer(ctx, id, `carousel item container ${id}`);
        if (r.type !== 'continue') return r;
      }
      return { type: 'continue', state: ctx.state };
    },

    async container(ctx) {
      if (ctx.state.containerId) return { type: 'continue', state: ctx.state };
      const type = mediaTypeOf(ctx.media);
      const text: Record<string, string> = ctx.text ? { text: ctx.text } : {};
      const link: Record<string, string> = typeof ctx.options.linkAttachment === 'string' ? { link_attachment: ctx.options.linkAttachment } : {};
      const params: Record<string, string> = type === 'CAROUSEL' ? { media_type: 'CAROUSEL', children: strings(ctx.state.data.children).join(','), ...text }
        : type === 'IMAGE' ? { media_type: 'IMAGE', image_url: mediaUrl(ctx, 0), ...text }
          : type === 'VIDEO' ? { media_type: 'VIDEO', video_url: mediaUrl(ctx, 0), ...text }
            : { media_type: 'TEXT', ...text, ...link };
      const id = await createContainer(ctx, params, `${type} container`);
      return { type: 'continue', state: { ...ctx.state, containerId: id, data: { ...ctx.state.data, containerCreatedAt: new Date().toISOString() } } };
    },

    async containerStatus(ctx) {
      return awaitContainer(ctx, requireContainer(ctx.state), 'the container');
    },

    async publish(ctx) {
      const id = await publishContainer(ctx, requireContainer(ctx.state), 'threads_publish');
      return { type: 'continue', state: { ...ctx.state, platformPostId: id } };
    },

    async permalink(ctx) {
      const id = ctx.state.platformPostId;
      if (!id) return { type: 'published', state: ctx.state };
      const a = await get<ThreadAnswer>(ctx, `/${id}`, 'post lookup', { fields: 'id,permalink' });
      return { type: 'published', state: { ...ctx.state, ...(typeof a.permalink === 'string' ? { permalink: a.permalink } : {}) } };
    },
  };

  const partSteps = {
    async container(ctx: PublishContext, k: number): Promise<StepOutcome> {
      if (partsOf(ctx.state)[k]?.containerId) return { type: 'continue', state: ctx.state };
      const id = await createContainer(ctx, { media_type: 'TEXT', text: partText(ctx, k), reply_to_id: previousPostId(ctx.state, k) }, `thread part ${k} container`);
      return { type: 'continue', state: withPart(ctx.state, k, { containerId: id, containerCreatedAt: new Date().toISOString() }) };
    },
    async status(ctx: PublishContext, k: number): Promise<StepOutcome> {
      return awaitContainer(ctx, requirePartContainer(ctx.state, k), `thread part ${k} container`);
    },
    async publish(ctx: PublishContext, k: number): Promise<StepOutcome> {
      const id = await publishContainer(ctx, requirePartContainer(ctx.state, k), `threads_publish of thread part ${k}`);
      return { type: 'continue', state: withPart(ctx.state, k, { postId: id }) };
    },
  };

  /** The post threads_publish made of a container, found among the account's recent posts or replies by exact text. */
  async function findPublished(ctx: PublishContext, k: number): Promise<ThreadAnswer | undefined> {
    const root = k === 0;
    const since = Date.parse(String(root ? ctx.state.data.containerCreatedAt : partsOf(ctx.state)[k]?.containerCreatedAt)) || 0;
    const a = await get<{ data?: ThreadAnswer[] }>(ctx, `/${ctx.account.platformAccountId}/${root ? 'threads' : 'replies'}`, root ? 'recent threads' : 'recent replies',
      { fields: 'id,text,timestamp,permalink,replied_to', limit: '50' });
    const text = root ? ctx.text : partText(ctx, k);
    const parent = root ? undefined : previousPostId(ctx.state, k);
    return (a.data ?? []).find((m) => idOf(m.id) && (m.text ?? '') === text
      && (parent === undefined || idOf(m.replied_to?.id) === parent)
      && Date.parse(String(m.timestamp).replace(/\+0000$/, 'Z')) >= since - 60_000);
  }

  const commitAbsence = {
    kind: 'settle_window', ...options.settleWindow,
    basis: 'Meta documents no deadline and no idempotency key for threads_publish: a slow call may still publish the container',
  } as const;

  return {
    plan(target) {
      const type = mediaTypeOf(target.media);
      const parts = threadParts(target.options).length;
      // Everything before threads_publish may run ahead of the due time: a container publishes nothing by itself
      // and stays publishable for 24 h. Follow-up parts reply to a post that exists only after the commit.
      const staged = (list: PublishStepSpec[]): PublishStepSpec[] => list.map((step) => ({ ...step, stage: { validForMs: CONTAINER_VALID_MS, basis: CONTAINER_VALIDITY_BASIS } }) as PublishStepSpec);
      return [
        ...staged([
          { name: 'limit', kind: 'prepare', status: 'preparing' },
          ...(type === 'CAROUSEL' ? [
            { name: 'children', kind: 'prepare', status: 'preparing' },
            { name: 'childrenStatus', kind: 'await', status: 'processing' },
          ] satisfies PublishStepSpec[] : []),
          { name: 'container', kind: 'prepare', status: 'preparing' },
          { name: 'containerStatus', kind: 'await', status: 'processing' },
        ]),
        { name: 'publish', kind: 'commit', status: 'submitting', absence: commitAbsence },
        ...Array.from({ length: parts }, (_, i): PublishStepSpec[] => [
          { name: `part.${i + 1}.container`, kind: 'prepare', status: 'submitting' },
          { name: `part.${i + 1}.status`, kind: 'await', status: 'submitting' },
          { name: `part.${i + 1}.publish`, kind: 'commit', status: 'submitting', absence: commitAbsence },
        ]).flat(),
        { name: 'permalink', kind: 'prepare', status: 'processing' },
      ];
    },

    async runStep(step, ctx) {
      const m = PART_STEP.exec(step);
      if (m) return partSteps[m[2] as keyof typeof partSteps](ctx, Number(m[1]));
      const run = steps[step];
      if (!run) throw new PublishError('permanent', 'unknown_step', `threads has no publish step ${step}`);
      return run(ctx);
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      const m = PART_STEP.exec(step);
      const k = m?.[2] === 'publish' ? Number(m[1]) : step === 'publish' ? 0 : -1;
      if (k < 0) throw new PublishError('permanent', 'unknown_step', `threads has no commit step ${step}`);
      const containerId = k === 0 ? requireContainer(ctx.state) : requirePartContainer(ctx.state, k);
      const s = await statusOf(ctx, containerId);
      if (s.code === 'FINISHED') return { type: 'not_applied' };
      if (s.code !== 'PUBLISHED') return { type: 'unknown', evidence: `container ${containerId} status ${s.code}${s.text ? ` (${s.text})` : ''}` };
      // PUBLISHED proves threads_publish took effect; which post it became is found by the text Herald sent.
      let found: ThreadAnswer | undefined;
      let lookup = 'was not found among recent posts';
      try {
        found = await findPublished(ctx, k);
      } catch (err) {
        lookup = `lookup failed (${err instanceof PublishError ? `${err.code}: ${err.message}` : String(err)})`;
      }
      const id = idOf(found?.id);
      if (id) {
        return { type: 'applied', state: k === 0
          ? { ...ctx.state, platformPostId: id, ...(typeof found?.permalink === 'string' ? { permalink: found.permalink } : {}) }
          : withPart(ctx.state, k, { postId: id }) };
      }
      // A later part must reply to this post: without its id the chain cannot go on safely.
      if (k < threadParts(ctx.options).length) return { type: 'unknown', evidence: `container ${containerId} is PUBLISHED; its post ${lookup}` };
      return { type: 'applied', state: { ...ctx.state, data: { ...ctx.state.data, reconcileEvidence: `container ${containerId} is PUBLISHED; its post ${lookup}` } } };
    },
  };
}

function requireContainer(state: PublishState): string {
  if (!state.containerId) throw new PublishError('permanent', 'missing_container', 'no container was created before this step');
  return state.containerId;
}

function requirePartContainer(state: PublishState, k: number): string {
  const id = partsOf(state)[k]?.containerId;
  if (!id) throw new PublishError('permanent', 'missing_container', `thread part ${k} has no container`);
  return id;
}
