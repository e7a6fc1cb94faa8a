// Orchestration on a real Temporal dev server and real Postgres, with the scripted test provider.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { PostWorkflowConflict, PostWorkflowMissing, type PostCommands } from '../../src/temporal/post-commands.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { posts, postTargets } from '../../src/db/schema.js';
import { PublishError } from '../../src/platforms/provider.js';
import { ScriptedProvider } from '../support/scripted-provider.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { commitAttempts } from '../support/commit-attempts.js';

const provider = new ScriptedProvider();
const deps = testDeps(inject('databaseUrl'), [provider]);
const db = deps.database.db;
let tw: TestWorker;
let client: Client;
let commands: PostCommands;

beforeAll(async () => {
  tw = await startTestWorker(deps);
  ({ client, commands } = tw);
});

afterAll(async () => {
  await tw.close();
  await deps.database.close();
});

async function setup(opts: { accounts?: number; inMs: number }) {
  const user = await createUser(db);
  const accounts = [];
  for (let i = 0; i < (opts.accounts ?? 1); i++) accounts.push(await createAccount(deps, { userId: user.id, platform: provider.id }));
  const scheduledAt = new Date(Date.now() + opts.inMs);
  const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts, scheduledAt });
  await commands.start({ postId: post.id, userId: user.id, scheduledAt: scheduledAt.toISOString() });
  return { user, accounts, post, targets, scheduledAt };
}

const result = (postId: string) => client.workflow.getHandle(publishPostWorkflowId(postId)).result();
const loadPost = async (id: string) => (await db.select().from(posts).where(eq(posts.id, id)))[0]!;
const loadTargets = (postId: string) => db.select().from(postTargets).where(eq(postTargets.postId, postId));
const commitsFor = (targetId: string) => provider.calls.filter((c) => c.step === 'create' && c.targetId === targetId);

describe('publishPost', () => {
  test('publishes at or after the scheduled time, never before, exactly once', async () => {
    const { post, targets, scheduledAt } = await setup({ inMs: 3000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(commitsFor(targets[0]!.id)).toHaveLength(0);
    const state = await result(post.id);
    expect(state).toMatchObject({ phase: 'finished', outcome: 'published' });
    const commits = commitsFor(targets[0]!.id);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.at.getTime()).toBeGreaterThanOrEqual(scheduledAt.getTime());
    expect(provider.postsFor(targets[0]!.id)).toHaveLength(1);
    const [target] = await loadTargets(post.id);
    expect(target).toMatchObject({ status: 'published', publishId: provider.postsFor(targets[0]!.id)[0]!.id });
    expect(target!.permalink).toMatch(/^https:\/\/scripted\.example\/p\/\d{16,}$/);
    // The id is beyond Number.MAX_SAFE_INTEGER and must survive as a string.
    expect(BigInt(target!.publishId!)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect((await loadPost(post.id)).status).toBe('published');
  });

  test('rescheduling earlier takes effect', async () => {
    const { post, targets } = await setup({ inMs: 120_000 });
    const before = Date.now();
    const state = await commands.reschedule(post.id, new Date(Date.now() + 1500));
    expect(state.phase).toBe('waiting');
    expect((await loadPost(post.id)).scheduledAt!.getTime()).toBe(Date.parse(state.scheduledAt));
    await result(post.id);
    expect(commitsFor(targets[0]!.id)).toHaveLength(1);
    expect(Date.now() - before).toBeLessThan(60_000);
  });

  test('rescheduling later takes effect', async () => {
    const { post, targets } = await setup({ inMs: 1500 });
    const later = new Date(Date.now() + 5000);
    await commands.reschedule(post.id, later);
    await new Promise((r) => setTimeout(r, 3000));
    expect(commitsFor(targets[0]!.id)).toHaveLength(0);
    await result(post.id);
    expect(commitsFor(targets[0]!.id)[0]!.at.getTime()).toBeGreaterThanOrEqual(later.getTime());
  });

  test('cancel before the time publishes nothing and leaves the post cancelled', async () => {
    const { post, targets, scheduledAt } = await setup({ inMs: 2000 });
    const state = await commands.cancel(post.id);
    expect(state.phase).toBe('cancelled');
    expect(await result(post.id)).toMatchObject({ phase: 'cancelled' });
    await new Promise((r) => setTimeout(r, Math.max(0, scheduledAt.getTime() - Date.now()) + 500));
    expect(provider.calls.filter((c) => c.targetId === targets[0]!.id)).toHaveLength(0);
    expect((await loadPost(post.id)).status).toBe('cancelled');
    expect((await loadTargets(post.id))[0]!.status).toBe('cancelled');
  });

  test('a change after publishing began is refused', async () => {
    const { post } = await setup({ inMs: 0 });
    await result(post.id);
    await expect(commands.reschedule(post.id, new Date(Date.now() + 60_000))).rejects.toBeInstanceOf(PostWorkflowMissing);
  });

  test('an update racing the workflow while it publishes is refused with a conflict', async () => {
    const user = await createUser(db);
    const account = await createAccount(deps, { userId: user.id, platform: provider.id });
    provider.scripts.set(account.platformAccountId, { processingPolls: 4 });
    const { post } = await createScheduledPost(db, { userId: user.id, accounts: [account], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    await expect.poll(async () => (await commands.state(post.id))?.phase, { timeout: 10_000 }).toBe('publishing');
    await expect(commands.edit(post.id, { content: 'too late' })).rejects.toBeInstanceOf(PostWorkflowConflict);
    await expect(commands.reschedule(post.id, new Date(Date.now() + 60_000))).rejects.toBeInstanceOf(PostWorkflowConflict);
    await result(post.id);
  });

  test('one of two targets failing gives partially_published with the error recorded', async () => {
    const user = await createUser(db);
    const good = await createAccount(deps, { userId: user.id, platform: provider.id });
    const bad = await createAccount(deps, { userId: user.id, platform: provider.id });
    provider.scripts.set(bad.platformAccountId, { rejectWith: new PublishError('permanent', 'invalid_param', 'caption rejected by the platform') });
    const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts: [good, bad], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    expect(await result(post.id)).toMatchObject({ outcome: 'partially_published' });
    const rows = await loadTargets(post.id);
    const goodRow = rows.find((r) => r.socialAccountId === good.id)!;
    const badRow = rows.find((r) => r.socialAccountId === bad.id)!;
    expect(goodRow.status).toBe('published');
    expect(badRow).toMatchObject({ status: 'failed', errorCode: 'invalid_param', errorMessage: 'caption rejected by the platform' });
    expect(commitAttempts(badRow).map((a) => a.outcome)).toEqual(['intent', 'error']);
    // A permanent error is not retried.
    expect(commitsFor(targets.find((t) => t.socialAccountId === bad.id)!.id)).toHaveLength(1);
    expect((await loadPost(post.id)).status).toBe('partially_published');
  });

  test('all targets failing gives failed', async () => {
    const user = await createUser(db);
    const bad = await createAccount(deps, { userId: user.id, platform: provider.id, accessToken: 'revoked' });
    const { post } = await createScheduledPost(db, { userId: user.id, accounts: [bad], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    expect(await result(post.id)).toMatchObject({ outcome: 'failed' });
    expect((await loadTargets(post.id))[0]).toMatchObject({ status: 'failed', errorCode: 'access_token_invalid' });
  });

  test('a lost response after the platform applied the post is reconciled, not re-sent', async () => {
    const user = await createUser(db);
    const account = await createAccount(deps, { userId: user.id, platform: provider.id });
    provider.scripts.set(account.platformAccountId, { loseResponses: 1 });
    const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts: [account], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    expect(await result(post.id)).toMatchObject({ outcome: 'published' });
    expect(provider.postsFor(targets[0]!.id)).toHaveLength(1);
    expect(commitsFor(targets[0]!.id)).toHaveLength(1);
    const [row] = await loadTargets(post.id);
    expect(row!.publishId).toBe(provider.postsFor(targets[0]!.id)[0]!.id);
    expect(commitAttempts(row!).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  });

  test.each([
    { what: 'an outcome reconcile cannot establish', script: { loseResponses: 1, reconcileUnknown: true }, error: /socket hang up.*status endpoint unavailable/ },
    { what: 'a reconcile lookup that never succeeds', script: { loseResponses: 1, reconcileFails: true }, error: /socket hang up.*lookup failed \(lookup_forbidden/ },
  ])('$what parks the target in needs_review without re-sending', async ({ script, error }) => {
    const user = await createUser(db);
    const account = await createAccount(deps, { userId: user.id, platform: provider.id });
    provider.scripts.set(account.platformAccountId, script);
    const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts: [account], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    // Never "failed": that would invite the user to publish again, the duplicate this protocol prevents.
    expect(await result(post.id)).toMatchObject({ outcome: 'needs_attention' });
    expect((await loadPost(post.id)).status).toBe('needs_attention');
    expect(commitsFor(targets[0]!.id)).toHaveLength(1);
    const [row] = await loadTargets(post.id);
    expect(row!.status).toBe('needs_review');
    expect(row!.errorMessage).toMatch(error);
  });

  test('processing is polled on durable timers until published', async () => {
    const user = await createUser(db);
    const account = await createAccount(deps, { userId: user.id, platform: provider.id });
    provider.scripts.set(account.platformAccountId, { processingPolls: 3 });
    const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts: [account], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    await result(post.id);
    expect(provider.calls.filter((c) => c.step === 'status' && c.targetId === targets[0]!.id)).toHaveLength(4);
  });

  test('search attributes let an operator find posts and the targets handed to a workflow of their own', async () => {
    // Two targets: one publishes at once and is walked inside the post's workflow; the other's platform is still
    // processing after the first poll, so it is handed to a publishTarget child that keeps polling.
    const user = await createUser(db);
    const quickAccount = await createAccount(deps, { userId: user.id, platform: provider.id });
    const slowAccount = await createAccount(deps, { userId: user.id, platform: provider.id });
    provider.scripts.set(slowAccount.platformAccountId, { processingPolls: 2 });
    const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts: [quickAccount, slowAccount], scheduledAt: new Date() });
    await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
    expect(await result(post.id)).toMatchObject({ outcome: 'published' });

    const ids = async (query: string) => {
      const found = [];
      for await (const wf of client.workflow.list({ query })) found.push(wf.workflowId);
      return found.sort();
    };
    const slowTarget = targets.find((t) => t.socialAccountId === slowAccount.id)!;
    await expect.poll(() => ids(`WorkflowType = "publishTarget" AND PostId = "${post.id}" AND PublishStatus = "PUBLISHED" AND Platform = "${provider.id}"`), { timeout: 10_000 })
      .toEqual([`post:${post.id}:target:${slowTarget.id}`]);
    await expect.poll(() => ids(`WorkflowType = "publishPost" AND PostId = "${post.id}" AND PublishStatus = "PUBLISHED"`), { timeout: 10_000 })
      .toEqual([publishPostWorkflowId(post.id)]);
    // Both targets are recorded published; only the slow one needed a workflow of its own.
    expect((await loadTargets(post.id)).map((t) => t.status)).toEqual(['published', 'published']);
    expect(provider.calls.filter((c) => c.step === 'status' && c.targetId === slowTarget.id)).toHaveLength(3);

    const waiting = await setup({ inMs: 120_000 });
    const desc = await client.workflow.getHandle(publishPostWorkflowId(waiting.post.id)).describe();
    expect(desc.typedSearchAttributes.get({ name: 'PublishStatus', type: 'KEYWORD' } as never)).toBe('SCHEDULED');
    await commands.cancel(waiting.post.id);
  });

  test('a worker stopped and restarted while a post waits still publishes it exactly once', async () => {
    const { post, targets, scheduledAt } = await setup({ inMs: 2500 });
    await tw.stop();
    await new Promise((r) => setTimeout(r, Math.max(0, scheduledAt.getTime() - Date.now()) + 1000));
    expect(commitsFor(targets[0]!.id)).toHaveLength(0);
    await tw.start();
    expect(await result(post.id)).toMatchObject({ outcome: 'published' });
    expect(provider.postsFor(targets[0]!.id)).toHaveLength(1);
  });

  test('a commit whose intent is already on record is never sent blindly: the platform is asked first', async () => {
    // As after a worker that died during the call (a local activity runs again), or a post workflow run again:
    // the intent is recorded and the platform did receive the post.
    const { post, targets } = await setup({ inMs: 1500 });
    const target = targets[0]!;
    await db.update(postTargets).set({ attempts: [{ at: new Date().toISOString(), step: 'create', outcome: 'intent' }] }).where(eq(postTargets.id, target.id));
    provider.created.push({ id: '9007199254740999', targetId: target.id, accountId: 'x', text: 'sent before the crash', createdAt: new Date() });

    expect(await result(post.id)).toMatchObject({ outcome: 'published' });
    expect(commitsFor(target.id)).toEqual([]);
    expect(provider.postsFor(target.id)).toHaveLength(1);
    const [row] = await loadTargets(post.id);
    expect(row).toMatchObject({ status: 'published', publishId: '9007199254740999' });
    expect(commitAttempts(row!).map((a) => a.outcome)).toEqual(['intent', 'reconciled']);
  });
});
