// What the publish benchmarks share: the real Herald worker on a fresh task queue, the scripted provider (its check
// step stageable, so only the commit and a status read remain at the due instant), two accounts, and posts
// scheduled through PostCommands as the API does.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, bundleWorkflowCode } from '@temporalio/worker';
import { createHeraldWorker, type HeraldWorker } from '../src/worker/create-worker.js';
import { workflowsEntry } from '../src/worker/workflow-bundle.js';
import { createDatabase } from '../src/db/client.js';
import { WORKER_POOL_CEILING } from '../src/worker/database-pool.js';
import { PostCommands } from '../src/temporal/post-commands.js';
import { publishPostWorkflowId } from '../src/workflows/messages.js';
import { ScriptedProvider } from '../test/support/scripted-provider.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../test/support/fixtures.js';

export const workerTuning = { maxConcurrentActivityTaskExecutions: 200, maxConcurrentWorkflowTaskExecutions: 100, maxCachedWorkflows: 5000 };

export async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const noop = () => {};
export const quietLogger = { trace: noop, debug: noop, info: noop, log: noop, warn: console.warn, error: console.error };

export async function startPublishBench(o: { databaseUrl: string; address: string; cleanups: (() => Promise<unknown>)[]; staging?: boolean }) {
  const nativeConnection = await NativeConnection.connect({ address: o.address });
  const connection = await Connection.connect({ address: o.address });
  const client = new Client({ connection });
  o.cleanups.push(() => connection.close(), () => nativeConnection.close());
  const provider = new ScriptedProvider('bench', o.staging === false ? {} : { staging: { validForMs: 24 * 3_600_000 } });
  // The worker's pool sized to its slots, as src/worker/database-pool.ts does for the real worker.
  const deps = { ...testDeps(o.databaseUrl, [provider], o.address), database: createDatabase(o.databaseUrl, { max: WORKER_POOL_CEILING }) };
  o.cleanups.push(() => deps.database.close());
  const taskQueue = `bench-publish-${randomUUID()}`;
  const user = await createUser(deps.database.db);
  const accounts = [
    await createAccount(deps, { userId: user.id, platform: provider.id }),
    await createAccount(deps, { userId: user.id, platform: provider.id }),
  ];
  // Scheduling many posts at once queues their first workflow tasks: wait for each answer as long as it takes.
  const commands = new PostCommands(client, taskQueue, { answerTimeoutMs: 600_000 });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: quietLogger });
  let worker: HeraldWorker | undefined;
  let running: Promise<void> | undefined;
  return {
    client, nativeConnection, provider, deps, taskQueue, user, accounts, commands,
    async startWorker() {
      worker = await createHeraldWorker({ connection: nativeConnection, namespace: 'default', taskQueue, deps, workflowBundle, ...workerTuning });
      running = worker.run();
    },
    async stopWorker() {
      worker?.shutdown();
      await running;
    },
    /** Rows for `dueTimes.length` posts (two targets each), then their workflows through update-with-start. */
    async schedule(dueTimes: Date[], concurrency: number): Promise<string[]> {
      const postIds: string[] = [];
      for (const [i, at] of dueTimes.entries()) {
        const { post } = await createScheduledPost(deps.database.db, { userId: user.id, accounts, scheduledAt: at, content: `bench post ${i}` });
        postIds.push(post.id);
      }
      await inBatches(postIds.map((id, i) => ({ id, at: dueTimes[i]! })), concurrency, ({ id, at }) => commands.start({ postId: id, userId: user.id, scheduledAt: at.toISOString() }));
      return postIds;
    },
    awaitAll: (postIds: string[], concurrency: number) => inBatches(postIds, concurrency, (id) => client.workflow.getHandle(publishPostWorkflowId(id)).result()),
  };
}
