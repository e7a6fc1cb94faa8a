// Benchmark: due work first. N posts (default 10,000) are scheduled at once for a month ahead, through PostCommands
// as the API schedules them, while no worker runs (a bulk import during downtime, or the backlog a restart finds);
// the worker starts, and while it works through their queued first workflow tasks, one post is published now. Prints that post's lag from the publish-now request to its commit call (goal <= 2 s) and the
// backlog of workflow tasks on the queue at the moment it was requested, next to the goal.
//
//   npm run bench:due-first -- [--posts 10000] [--priorities on|off]
// `--priorities off` schedules every post at one priority (horizon below zero): the FIFO queue of before.
// Uses embedded Postgres and a fresh in-memory Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set;
// the worker takes its settings from the configuration (WORKER_*), as `npm run worker` does.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/client.js';
import { createHeraldWorker } from '../src/worker/create-worker.js';
import { workflowsEntry } from '../src/worker/workflow-bundle.js';
import { PostCommands } from '../src/temporal/post-commands.js';
import { workflowTaskBacklog } from '../src/temporal/task-queue-backlog.js';
import { publishPostWorkflowId } from '../src/workflows/messages.js';
import { ScriptedProvider } from '../test/support/scripted-provider.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../test/support/fixtures.js';
import { fmtMs } from './stats.js';
import { startBenchServices } from './services.js';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string', default: '10000' },
    priorities: { type: 'string', default: 'on' },
  },
});
const N = Number(args.posts);
const prioritiesOn = args.priorities !== 'off';
const config = loadConfig();

Runtime.install({ logger: new DefaultLogger('WARN') });
const cleanups: (() => Promise<unknown>)[] = [];
const DAY_MS = 24 * 60 * 60_000;

async function main() {
  const { databaseUrl, temporalAddress: address } = await startBenchServices(cleanups);
  const nativeConnection = await connectWhenHealthy(address);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  cleanups.push(() => connection.close(), () => nativeConnection.close());

  const provider = new ScriptedProvider('bench');
  // The worker's pool as configured (DATABASE_POOL_MAX), not the tests' small one: its local activities share it.
  const testOnly = testDeps(databaseUrl, [provider], address);
  const deps = { ...testOnly, database: createDatabase(databaseUrl, { max: config.DATABASE_POOL_MAX }) };
  cleanups.push(() => deps.database.close(), () => testOnly.database.close());
  const taskQueue = `bench-due-first-${randomUUID()}`;
  const dueSoonHorizonMs = prioritiesOn ? config.DUE_SOON_HORIZON_MINUTES * 60_000 : -Infinity;
  // The publish-now waits as long as it takes (without priorities, longer than the API's answer timeout).
  const commands = new PostCommands(client, taskQueue, { dueSoonHorizonMs, answerTimeoutMs: 30 * 60_000 });
  const user = await createUser(deps.database.db);
  const account = await createAccount(deps, { userId: user.id, platform: provider.id });

  const farAt = new Date(Date.now() + 30 * DAY_MS);
  const far: string[] = [];
  for (let i = 0; i < N; i++) {
    const { post } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [account], scheduledAt: farAt, content: `far ${i}` });
    far.push(post.id);
  }
  const { post: nowPost, targets: [nowTarget] } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [account], scheduledAt: new Date(), content: 'now' });

  // The posts are scheduled while no worker runs (a bulk import during downtime, a restart): each request starts its
  // post's workflow and gives up waiting for the answer after a second, as the API answers 503 after
  // POST_WORKFLOW_ANSWER_TIMEOUT_SECONDS; every workflow's first task stays queued for the worker.
  const duringDowntime = new PostCommands(client, taskQueue, { dueSoonHorizonMs, answerTimeoutMs: 1000 });
  const importStarted = Date.now();
  await inBatches(far, 250, (postId) => duringDowntime.schedule({ postId, userId: user.id, scheduledAt: farAt.toISOString() }).catch(() => undefined));
  const importSeconds = (Date.now() - importStarted) / 1000;
  let queued = 0;
  for (let i = 0; i < 20 && queued < N; i++) {
    queued = await workflowTaskBacklog(client, taskQueue);
    await new Promise((r) => setTimeout(r, 500));
  }

  const worker = await createHeraldWorker({
    connection: nativeConnection, namespace: 'default', taskQueue, deps,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: quiet }),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const run = worker.run();
  // Publish now once the worker is busy with the backlog (it has taken its first few seconds of it).
  const workerStarted = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const backlog = await workflowTaskBacklog(client, taskQueue);
  const requestedAt = Date.now();
  await commands.schedule({ postId: nowPost!.id, userId: user.id, scheduledAt: new Date(requestedAt).toISOString() });
  await client.workflow.getHandle(publishPostWorkflowId(nowPost!.id)).result();
  const commit = provider.calls.find((c) => c.step === 'create' && c.targetId === nowTarget!.id);
  const lag = commit ? commit.at.getTime() - requestedAt : NaN;
  const backlogAfter = await workflowTaskBacklog(client, taskQueue);
  const steps = provider.calls.filter((c) => c.targetId === nowTarget!.id).map((c) => `${c.step} +${fmtMs(c.at.getTime() - requestedAt)}`).join(', ');

  worker.shutdown();
  await run;

  console.log(`
due work first: ${N} posts scheduled at once for ${farAt.toISOString().slice(0, 10)}, then one published now
  machine                      ${availableParallelism()} cores
  priorities                   ${prioritiesOn ? `on (due within ${config.DUE_SOON_HORIZON_MINUTES} min: 1, later: 5)` : 'off (one priority, FIFO)'}
  worker                       ${config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS} workflow-task slots, cache ${config.WORKER_MAX_CACHED_WORKFLOWS}
  far-future posts scheduled    ${N} in ${importSeconds.toFixed(1)} s with no worker running; ${queued} first workflow tasks queued
  worker started               published now ${((requestedAt - workerStarted) / 1000).toFixed(1)} s later
  backlog when published now   ${backlog} workflow tasks queued (${backlogAfter} when it had published)
  lag request -> commit call   ${fmtMs(lag)}   goal <= 2.00 s   ${lag <= 2000 ? 'met' : 'NOT met'}
  its platform calls           ${steps}
`);
}

/** A dev server listens before its frontend is healthy ("Frontend is not healthy yet") on a loaded machine. */
async function connectWhenHealthy(address: string): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({ address });
    } catch (err) {
      if (attempt >= 30) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const noop = () => {};
const quiet = { trace: noop, debug: noop, info: noop, log: noop, warn: console.warn, error: console.error };

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
