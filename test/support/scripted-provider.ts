// A test-only platform provider whose behaviour each test scripts per account (by platform account id). It keeps
// the "platform side" in memory, so tests can count exactly how many posts the platform received.
import {
  PublishError, type PlatformProvider, type PublishContext, type PublishStepSpec, type ReconcileOutcome, type StepOutcome,
} from '../../src/platforms/provider.js';

export interface AccountScript {
  /** The create call fails with this error before anything is applied. */
  rejectWith?: PublishError;
  /** The first N create calls apply the post, then lose the response (the classic ambiguous failure). */
  loseResponses?: number;
  /** Reconcile cannot tell what happened. */
  reconcileUnknown?: boolean;
  /** The reconcile lookup itself fails for good. */
  reconcileFails?: boolean;
  /** Status polls answering "processing" before "published". */
  processingPolls?: number;
  /** The prepare step (before the commit) does not finish until its activity is cancelled. */
  holdPrepare?: boolean;
}

export interface PlatformPost {
  id: string;
  targetId: string;
  accountId: string;
  text: string;
  createdAt: Date;
}

export class ScriptedProvider implements PlatformProvider {
  readonly displayName = 'Scripted (tests)';
  readonly limits = { maxTextLength: 280, maxHashtags: 5, minMedia: 0, maxMedia: 4, mediaTypes: ['image/*', 'video/*'] };
  readonly scripts = new Map<string, AccountScript>();
  /** Every post the "platform" accepted, duplicates included. */
  readonly created: PlatformPost[] = [];
  readonly calls: { step: string; targetId: string; at: Date }[] = [];
  private readonly polls = new Map<string, number>();
  private nextId = 9_007_199_254_740_993n; // beyond Number.MAX_SAFE_INTEGER on purpose

  /** Staged work the "platform" holds: a draft made by the check step, until the commit uses it or it is discarded. */
  readonly drafts = new Map<string, { text: string; at: Date }>();
  readonly discarded: { targetId: string; draftText?: string; at: Date }[] = [];

  /** `staging`: the check step may run ahead of the due time; its draft stays valid `validForMs`. */
  constructor(readonly id = 'scripted', readonly options: { staging?: { validForMs: number } } = {}) {}

  readonly publish = {
    plan: (): PublishStepSpec[] => [
      {
        name: 'check', kind: 'prepare', status: 'preparing',
        ...(this.options.staging ? { stage: { validForMs: this.options.staging.validForMs, basis: 'the scripted platform keeps drafts for validForMs' } } : {}),
      },
      // The scripted platform applies a create before it answers: a lookup after the failure sees it.
      { name: 'create', kind: 'commit', status: 'submitting', absence: { kind: 'immediate', basis: 'the scripted platform applies a call before answering' } },
      { name: 'status', kind: 'await', status: 'processing' },
    ],
    runStep: async (step: string, ctx: PublishContext): Promise<StepOutcome> => {
      this.calls.push({ step, targetId: ctx.targetId, at: new Date() });
      const script = this.scripts.get(ctx.account.platformAccountId) ?? {};
      if (step === 'check') {
        if (!ctx.account.accessToken.startsWith('tok-')) throw new PublishError('auth', 'access_token_invalid', 'token rejected');
        if (script.holdPrepare) {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
          throw new PublishError('transient', 'cancelled', 'the step was cancelled');
        }
        // A draft of the text as it is now: the commit publishes the draft, so stale staged text would show.
        this.drafts.set(ctx.targetId, { text: ctx.text, at: new Date() });
        return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, drafted: true } } };
      }
      if (step === 'create') {
        if (script.rejectWith) throw script.rejectWith;
        const draft = this.drafts.get(ctx.targetId);
        if (!draft) throw new PublishError('permanent', 'no_draft', 'the check step made no draft for this target');
        this.drafts.delete(ctx.targetId);
        const post: PlatformPost = { id: String(this.nextId++), targetId: ctx.targetId, accountId: ctx.account.platformAccountId, text: draft.text, createdAt: new Date() };
        this.created.push(post);
        if ((script.loseResponses ?? 0) > 0) {
          script.loseResponses! -= 1;
          throw new PublishError('ambiguous', 'connection_reset', 'socket hang up after the request was sent');
        }
        return { type: 'continue', state: { ...ctx.state, publishId: post.id } };
      }
      if (step === 'status') {
        const n = (this.polls.get(ctx.targetId) ?? 0) + 1;
        this.polls.set(ctx.targetId, n);
        if (n <= (script.processingPolls ?? 0)) return { type: 'pending', state: ctx.state, pollAfterMs: 200, platformStatus: 'PROCESSING' };
        const id = ctx.state.publishId!;
        return { type: 'published', state: { ...ctx.state, platformPostId: id, permalink: `https://scripted.example/p/${id}` } };
      }
      throw new Error(`unknown step ${step}`);
    },
    reconcile: async (_step: string, ctx: PublishContext): Promise<ReconcileOutcome> => {
      const script = this.scripts.get(ctx.account.platformAccountId) ?? {};
      if (script.reconcileUnknown) return { type: 'unknown', evidence: 'status endpoint unavailable' };
      if (script.reconcileFails) throw new PublishError('permanent', 'lookup_forbidden', 'status lookup refused');
      const found = this.created.find((p) => p.targetId === ctx.targetId);
      return found ? { type: 'applied', state: { ...ctx.state, publishId: found.id } } : { type: 'not_applied' };
    },
    discardStaged: async (ctx: PublishContext): Promise<void> => {
      const draft = this.drafts.get(ctx.targetId);
      this.drafts.delete(ctx.targetId);
      this.discarded.push({ targetId: ctx.targetId, ...(draft ? { draftText: draft.text } : {}), at: new Date() });
    },
  };

  postsFor(targetId: string) {
    return this.created.filter((p) => p.targetId === targetId);
  }
}
