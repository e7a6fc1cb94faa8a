// Staging: a provider's stageable steps run a lead before the due time; only the commit remains at the due instant.
// Real Temporal dev server and Postgres, with the scripted provider whose check step makes a draft that the commit
// publishes (so stale staged content would show in what the platform received).
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { ScriptedProvider } from '../support/scripted-provider.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';

const LEAD_MS = 4_000;
const provider = new ScriptedProvider('scripted-staging', { staging: { validForMs: 60 * 60_000 } });
const deps = { ...testDeps(inject('databaseUrl'), [provider]), staging: { leadMs: LEAD_MS, uploadBytesPerSecond: 1_000_000 } };
const db = deps.database.db;
let tw: TestWorker;

beforeAll(async () => { tw = await startTestWorker(deps); });
afterAll(async () => {
  await tw.close();
  await deps.database.close();
});

async function schedule(inMs: number, content: string) {
  const user = await createUser(db);
  const account = await createAccount(deps, { userId: user.id, platform: provider.id });
  const scheduledAt = new Date(Date.now() + inMs);
  const { post, targets } = await createScheduledPost(db, { userId: user.id, accounts: [account], scheduledAt, content });
  await tw.commands.start({ postId: post.id, userId: user.id, scheduledAt: scheduledAt.toISOString() });
  return { post, target: targets[0]!, scheduledAt };
}
const handle = (postId: string) => tw.client.workflow.getHandle(publishPostWorkflowId(postId));
const targetRow = async (id: string) => (await db.select().from(postTargets).where(eq(postTargets.id, id)))[0]!;
const stepsOf = (targetId: string, step: string) => provider.calls.filter((c) => c.targetId === targetId && c.step === step);

describe('staging ahead of the due time', () => {
  test('the staged step runs a lead before the due time, the target shows staged, and only the commit runs at the due instant', async () => {
    const { post, target, scheduledAt } = await schedule(LEAD_MS + 3_000, 'staged text');
    await expect.poll(async () => (await targetRow(target.id)).status, { timeout: 15_000 }).toBe('staged');
    const checks = stepsOf(target.id, 'check');
    expect(checks).toHaveLength(1);
    expect(checks[0]!.at.getTime()).toBeLessThan(scheduledAt.getTime());
    // Nothing is visible at the platform before the due time; the post's workflow says STAGED to operators.
    expect(provider.postsFor(target.id)).toEqual([]);
    expect(await tw.commands.state(post.id)).toMatchObject({ phase: 'waiting', staging: 'staged' });
    const described = await handle(post.id).describe();
    expect(described.typedSearchAttributes.get({ name: 'PublishStatus', type: 'KEYWORD' } as never)).toBe('STAGED');

    expect(await handle(post.id).result()).toMatchObject({ outcome: 'published' });
    const [created] = provider.postsFor(target.id);
    expect(created).toMatchObject({ text: 'staged text' });
    expect(created!.createdAt.getTime()).toBeGreaterThanOrEqual(scheduledAt.getTime());
    // The check was not run again at the due instant.
    expect(stepsOf(target.id, 'check')).toHaveLength(1);
    expect(await targetRow(target.id)).toMatchObject({ status: 'published' });
  });

  test('an edit after staging discards the staged draft and stages the new content: the stale text is never published', async () => {
    const { post, target } = await schedule(LEAD_MS + 3_000, 'first draft');
    await expect.poll(async () => (await targetRow(target.id)).status, { timeout: 15_000 }).toBe('staged');
    await tw.commands.edit(post.id, { content: 'second draft' });
    expect(provider.discarded.filter((d) => d.targetId === target.id)).toEqual([expect.objectContaining({ draftText: 'first draft' })]);

    expect(await handle(post.id).result()).toMatchObject({ outcome: 'published' });
    expect(provider.postsFor(target.id).map((p) => p.text)).toEqual(['second draft']);
    expect(stepsOf(target.id, 'check')).toHaveLength(2);
  });

  test('a cancel after staging discards the staged work and publishes nothing', async () => {
    const { post, target } = await schedule(LEAD_MS + 3_000, 'never');
    await expect.poll(async () => (await targetRow(target.id)).status, { timeout: 15_000 }).toBe('staged');
    await tw.commands.cancel(post.id);
    expect(await handle(post.id).result()).toMatchObject({ phase: 'cancelled' });
    expect(provider.discarded.filter((d) => d.targetId === target.id)).toHaveLength(1);
    expect(provider.drafts.has(target.id)).toBe(false);
    expect(provider.postsFor(target.id)).toEqual([]);
    expect(await targetRow(target.id)).toMatchObject({ status: 'cancelled' });
    expect((await db.select().from(posts).where(eq(posts.id, post.id)))[0]!.status).toBe('cancelled');
  });

  test('a reschedule past what the staged work stays valid for discards it; it is staged again a lead before the new time', async () => {
    const { post, target } = await schedule(LEAD_MS + 3_000, 'later');
    await expect.poll(async () => (await targetRow(target.id)).status, { timeout: 15_000 }).toBe('staged');
    // Valid for an hour: two hours later it would have expired at the platform.
    await tw.commands.reschedule(post.id, new Date(Date.now() + 2 * 3_600_000));
    expect(provider.discarded.filter((d) => d.targetId === target.id)).toHaveLength(1);
    expect(await targetRow(target.id)).toMatchObject({ status: 'pending' });
    // Back to a near time: staged again, then published once with the draft made for it.
    const nearAt = new Date(Date.now() + LEAD_MS + 2_000);
    await tw.commands.reschedule(post.id, nearAt);
    expect(await handle(post.id).result()).toMatchObject({ outcome: 'published' });
    expect(stepsOf(target.id, 'check')).toHaveLength(2);
    expect(provider.postsFor(target.id)).toHaveLength(1);
    expect(provider.postsFor(target.id)[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(nearAt.getTime());
  });
});
