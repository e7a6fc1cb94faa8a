// Due work first: a post's workflow runs at a Temporal task priority chosen from its due time (src/temporal/
// post-commands.ts), so a backlog of far-future posts never delays a post that is due.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Client } from '@temporalio/client';
import {
  DUE_SOON_PRIORITY, FAR_FUTURE_PRIORITY, PostCommands,
} from '../../src/temporal/post-commands.js';
import { createActivities } from '../../src/activities/index.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { workflowTaskBacklog } from '../../src/temporal/task-queue-backlog.js';
import { ensureTemporalCli, startTemporalDevServer, type DevServerHandle } from '../../src/temporal/dev-server.js';
import { ScriptedProvider } from '../support/scripted-provider.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { freePort } from '../support/global-setup.js';

const DAY_MS = 24 * 60 * 60_000;

async function schedulePost(deps: ReturnType<typeof testDeps>, commands: PostCommands, inMs: number, accountPlatform: string) {
  const user = await createUser(deps.database.db);
  const account = await createAccount(deps, { userId: user.id, platform: accountPlatform });
  const scheduledAt = new Date(Date.now() + inMs);
  const { post, targets } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [account], scheduledAt });
  return { post, targets, user, scheduledAt, schedule: () => commands.schedule({ postId: post.id, userId: user.id, scheduledAt: scheduledAt.toISOString() }) };
}

const priorityOf = async (client: Client, postId: string) =>
  (await client.workflow.getHandle(publishPostWorkflowId(postId)).describe()).raw.workflowExecutionInfo?.priority?.priorityKey;

describe('post workflow priorities', () => {
  const provider = new ScriptedProvider('priority-scripted');
  const deps = testDeps(inject('databaseUrl'), [provider]);
  let tw: TestWorker;

  beforeAll(async () => { tw = await startTestWorker(deps); });
  afterAll(async () => { await tw.close(); await deps.database.close(); });

  test('a post due within the horizon runs at the highest priority, a later one at the lowest', async () => {
    const soon = await schedulePost(deps, tw.commands, 10 * 60_000, provider.id);
    const later = await schedulePost(deps, tw.commands, 30 * DAY_MS, provider.id);
    await soon.schedule();
    await later.schedule();
    expect(await priorityOf(tw.client, soon.post.id)).toBe(DUE_SOON_PRIORITY.priorityKey);
    expect(await priorityOf(tw.client, later.post.id)).toBe(FAR_FUTURE_PRIORITY.priorityKey);
    await tw.commands.cancel(soon.post.id);
    await tw.commands.cancel(later.post.id);
  });

  test('moving a waiting post to within the horizon raises its running workflow; moving it away does not lower it', async () => {
    const p = await schedulePost(deps, tw.commands, 30 * DAY_MS, provider.id);
    await p.schedule();
    await tw.commands.reschedule(p.post.id, new Date(Date.now() + 20 * DAY_MS));
    expect(await priorityOf(tw.client, p.post.id)).toBe(FAR_FUTURE_PRIORITY.priorityKey);
    await tw.commands.schedule({ postId: p.post.id, userId: p.user.id, scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString() });
    expect(await priorityOf(tw.client, p.post.id)).toBe(DUE_SOON_PRIORITY.priorityKey);
    await tw.commands.edit(p.post.id, { scheduledAt: new Date(Date.now() + 20 * DAY_MS).toISOString() });
    expect(await priorityOf(tw.client, p.post.id)).toBe(DUE_SOON_PRIORITY.priorityKey);
    await tw.commands.cancel(p.post.id);
  });

  test('the horizon is configurable', async () => {
    const wide = new PostCommands(tw.client, tw.taskQueue, { dueSoonHorizonMs: 40 * DAY_MS });
    const p = await schedulePost(deps, wide, 30 * DAY_MS, provider.id);
    await p.schedule();
    expect(await priorityOf(tw.client, p.post.id)).toBe(DUE_SOON_PRIORITY.priorityKey);
    await wide.cancel(p.post.id);
  });

  test('a post started beyond the horizon raises its own workflow as it comes within it, then publishes', async () => {
    const near = new PostCommands(tw.client, tw.taskQueue, { dueSoonHorizonMs: 2_000 });
    const p = await schedulePost(deps, near, 5_000, provider.id);
    await p.schedule();
    expect(await priorityOf(tw.client, p.post.id)).toBe(FAR_FUTURE_PRIORITY.priorityKey);
    await expect.poll(() => priorityOf(tw.client, p.post.id), { timeout: 10_000, interval: 200 }).toBe(DUE_SOON_PRIORITY.priorityKey);
    const raisedAt = Date.now();
    expect(raisedAt).toBeLessThan(p.scheduledAt.getTime());
    expect(await tw.client.workflow.getHandle(publishPostWorkflowId(p.post.id)).result()).toMatchObject({ outcome: 'published' });
    expect(provider.postsFor(p.targets[0]!.id)).toHaveLength(1);
  });

  test('the preferPostAsDue activity raises a waiting far-future post', async () => {
    const p = await schedulePost(deps, tw.commands, 30 * DAY_MS, provider.id);
    await p.schedule();
    expect(await priorityOf(tw.client, p.post.id)).toBe(FAR_FUTURE_PRIORITY.priorityKey);
    const activities = createActivities({ ...deps, temporalClient: tw.client });
    expect(await activities.preferPostAsDue(p.post.id)).toBe(true);
    expect(await priorityOf(tw.client, p.post.id)).toBe(DUE_SOON_PRIORITY.priorityKey);
    await tw.commands.cancel(p.post.id);
  });

  test('preferAsDue on a post without a workflow, or whose workflow has finished, raises nothing', async () => {
    const p = await schedulePost(deps, tw.commands, 30 * DAY_MS, provider.id);
    expect(await tw.commands.preferAsDue(p.post.id)).toBe(false);
    await p.schedule();
    await tw.commands.cancel(p.post.id);
    await tw.client.workflow.getHandle(publishPostWorkflowId(p.post.id)).result();
    expect(await tw.commands.preferAsDue(p.post.id)).toBe(false);
  });
});

// Its own dev server, with one partition per task queue: a task queue's partitions each keep their own backlog and
// a poll is served by one of them, so with the server's default of several, which task runs first is only ordered
// per partition. With one, dispatch order is the priority order, and the test can check it exactly.
describe('a backlog of far-future posts', () => {
  const provider = new ScriptedProvider('backlog-scripted');
  let server: DevServerHandle;
  let deps: ReturnType<typeof testDeps>;
  let tw: TestWorker;

  beforeAll(async () => {
    server = await startTemporalDevServer({
      cliPath: ensureTemporalCli(), port: await freePort(),
      extraArgs: [
        '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
        '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
      ],
    });
    deps = testDeps(inject('databaseUrl'), [provider], server.address);
    // One workflow-task slot and no cache: the worker takes one task at a time, in the order the server hands them out.
    tw = await startTestWorker(deps, {
      temporalAddress: server.address, stopped: true, maxConcurrentWorkflowTaskExecutions: 1, maxCachedWorkflows: 0,
      commandOptions: { answerTimeoutMs: 120_000 },
    });
  });
  afterAll(async () => { await tw?.close(); await deps?.database.close(); await server?.stop(); });

  async function waitForBacklog(count: number) {
    for (;;) {
      if (await workflowTaskBacklog(tw.client, tw.taskQueue) >= count) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const firstTaskStarted = async (postId: string) => {
    const history = await tw.client.workflow.getHandle(publishPostWorkflowId(postId)).fetchHistory();
    const started = history.events!.find((e) => e.workflowTaskStartedEventAttributes)!.eventTime!;
    return BigInt(started.seconds!.toString()) * 1_000_000_000n + BigInt(started.nanos ?? 0);
  };

  test('a post published now runs its first workflow task before any of them, and publishes', async () => {
    const far = [];
    for (let i = 0; i < 50; i++) far.push(await schedulePost(deps, tw.commands, 30 * DAY_MS, provider.id));
    const farAnswers = far.map((p) => p.schedule());
    // Every far-future start's first task is queued before the post that is due is even sent.
    await waitForBacklog(far.length);
    const now = await schedulePost(deps, tw.commands, 0, provider.id);
    const nowAnswer = now.schedule();
    await waitForBacklog(far.length + 1);

    await tw.start();
    await Promise.all([...farAnswers, nowAnswer]);
    const state = await tw.client.workflow.getHandle(publishPostWorkflowId(now.post.id)).result();
    expect(state).toMatchObject({ phase: 'finished', outcome: 'published' });
    expect(provider.postsFor(now.targets[0]!.id)).toHaveLength(1);

    const nowFirst = await firstTaskStarted(now.post.id);
    for (const p of far) expect(await firstTaskStarted(p.post.id)).toBeGreaterThan(nowFirst);
    for (const p of far) await tw.commands.cancel(p.post.id);
  });
});
