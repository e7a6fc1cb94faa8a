// Benchmark: N posts (default 1000), two targets each, all due at the same instant, published through the real
// publishPost/publishTarget workflows with the test provider, on a real Temporal dev server and Postgres.
// Prints: how many were published, the lag from the due time to each publish (commit) call (p50/p99/max),
// publishes per second, and — measured in the same run on the same server — the ceiling: an empty workflow with
// one no-op activity started N*2 times at once.
//
//   npm run bench:publish -- [--posts 1000] [--lead-seconds auto] [--concurrency 200]
// Uses embedded Postgres and a fresh in-memory Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set.
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createHeraldWorker } from '../src/worker/create-worker.js';
import { workflowsEntry } from '../src/worker/workflow-bundle.js';
import { PostCommands } from '../src/temporal/post-commands.js';
import { publishPostWorkflowId } from '../src/workflows/messages.js';
import { ScriptedProvider } from '../test/support/scripted-provider.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../test/support/fixtures.js';
import { createCeilingActivities } from './ceiling.activities.js';
import { fmtMs, percentile } from './stats.js';
import { startBenchServices } from './services.js';
import { parseTemporalServerKind, temporalServerArg } from '../src/temporal/server-kind.js';

const { values: args } = parseArgs({
  options: {
    ...temporalServerArg,
    posts: { type: 'string', default: '1000' },
    'lead-seconds': { type: 'string' },
    concurrency: { type: 'string', default: '200' },
  },
});
const N = Number(args.posts);
const startConcurrency = Number(args.concurrency);

Runtime.install({ logger: new DefaultLogger('WARN') });
const cleanups: (() => Promise<unknown>)[] = [];


async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function main() {
  const { databaseUrl, temporalAddress: address } = await startBenchServices(cleanups, { temporal: parseTemporalServerKind(args.temporal) });
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  cleanups.push(() => connection.close(), () => nativeConnection.close());

  const workerTuning = { maxConcurrentActivityTaskExecutions: 200, maxConcurrentWorkflowTaskExecutions: 100, maxCachedWorkflows: 5000 };

  // ---- ceiling: empty workflow + one no-op activity, N*2 of them at once ----
  const ceilingQueue = `bench-ceiling-${randomUUID()}`;
  const ceilingDone: number[] = [];
  const ceilingWorker = await Worker.create({
    connection: nativeConnection, taskQueue: ceilingQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: new URL('./ceiling.workflow.ts', import.meta.url).pathname, logger: quiet }),
    activities: createCeilingActivities(() => ceilingDone.push(Date.now())),
    ...workerTuning,
  });
  const ceilingRun = ceilingWorker.run();
  const ceilingStart = Date.now();
  const ceilingIds = Array.from({ length: N * 2 }, () => randomUUID());
  await inBatches(ceilingIds, startConcurrency, (id) => client.workflow.start('ceilingWorkflow', { taskQueue: ceilingQueue, workflowId: `ceiling-${id}` }));
  await inBatches(ceilingIds, startConcurrency, (id) => client.workflow.getHandle(`ceiling-${id}`).result());
  const ceilingSeconds = (Math.max(...ceilingDone) - ceilingStart) / 1000;
  const ceilingRate = ceilingDone.length / ceilingSeconds;
  ceilingWorker.shutdown();
  await ceilingRun;

  // ---- publish burst ----
  const provider = new ScriptedProvider('bench');
  const deps = testDeps(databaseUrl, [provider], address);
  cleanups.push(() => deps.database.close());
  const taskQueue = `bench-publish-${randomUUID()}`;
  const user = await createUser(deps.database.db);
  const accounts = [
    await createAccount(deps, { userId: user.id, platform: provider.id }),
    await createAccount(deps, { userId: user.id, platform: provider.id }),
  ];
  // Due far enough ahead that every workflow is started and waiting before the instant arrives.
  const leadMs = args['lead-seconds'] ? Number(args['lead-seconds']) * 1000 : 15_000 + N * 15;
  const dueAt = new Date(Date.now() + leadMs);
  const commands = new PostCommands(client, taskQueue);
  const postIds: string[] = [];
  for (let i = 0; i < N; i++) {
    const { post } = await createScheduledPost(deps.database.db, { userId: user.id, accounts, scheduledAt: dueAt, content: `bench post ${i}` });
    postIds.push(post.id);
  }
  const worker = await createHeraldWorker({
    connection: nativeConnection, namespace: 'default', taskQueue, deps,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: quiet }),
    ...workerTuning,
  });
  const run = worker.run();
  await inBatches(postIds, startConcurrency, (postId) => commands.start({ postId, userId: user.id, scheduledAt: dueAt.toISOString() }));
  const startedAllAt = Date.now();
  if (startedAllAt > dueAt.getTime()) console.warn(`warning: starting took longer than the lead time (${fmtMs(startedAllAt - dueAt.getTime())} late); pass --lead-seconds`);
  await inBatches(postIds, startConcurrency, (postId) => client.workflow.getHandle(publishPostWorkflowId(postId)).result());
  worker.shutdown();
  await run;

  const commits = provider.calls.filter((c) => c.step === 'create');
  const lags = commits.map((c) => c.at.getTime() - dueAt.getTime()).sort((a, b) => a - b);
  const lastCommit = Math.max(...commits.map((c) => c.at.getTime()));
  const publishRate = commits.length / ((lastCommit - dueAt.getTime()) / 1000);
  const early = lags.filter((l) => l < 0).length;
  const published = (await deps.database.sql`select count(*)::int as n from post_targets where status = 'published'`)[0]!.n as number;

  console.log(`
publish burst: ${N} posts x 2 targets due at the same instant (${new Date(dueAt).toISOString()})
  targets published      ${published} / ${N * 2}   (platform received ${provider.created.length} posts; ${early} before due time)
  lag due -> publish     p50 ${fmtMs(percentile(lags, 50))}   p99 ${fmtMs(percentile(lags, 99))}   max ${fmtMs(lags[lags.length - 1] ?? NaN)}
  publish rate           ${publishRate.toFixed(1)} publishes/s
ceiling (same server, same run): ${N * 2} empty workflows with one no-op activity
  rate                   ${ceilingRate.toFixed(1)} workflows/s  (${ceilingSeconds.toFixed(1)} s)
  publish rate / ceiling ${((publishRate / ceilingRate) * 100).toFixed(0)} %
goal: p99 lag <= 2 s at >= 50 % of the ceiling's rate
`);
}

const noop = () => {};
const quiet = { trace: noop, debug: noop, info: noop, log: noop, warn: console.warn, error: console.error };

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
