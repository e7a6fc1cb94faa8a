// Benchmark: what waiting work costs the worker. N posts (default 10,000) scheduled a month ahead and M accounts
// (default 1,000) with their accountLifecycle workflow, all started through the same commands the API uses, against
// a worker running alone in a child process (`npm run worker`, prebuilt workflow bundle, configuration from the
// environment), so the resident memory printed is the worker's own. Prints the worker's RSS when idle, after the
// posts, after the accounts and once settled, next to the ceiling (500 MB).
//
//   npm run bench:standing -- [--posts 10000] [--accounts 1000]
// WORKER_MAX_CACHED_WORKFLOWS etc. in the environment reach the worker, so settings can be compared.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../src/config.js';
import { KeyRing } from '../src/crypto/key-ring.js';
import { TokenCrypto } from '../src/crypto/envelope.js';
import { AccountCommands } from '../src/temporal/account-commands.js';
import { PostCommands } from '../src/temporal/post-commands.js';
import { workflowTaskBacklog } from '../src/temporal/task-queue-backlog.js';
import { workflowsEntry } from '../src/worker/workflow-bundle.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../test/support/fixtures.js';
import { startEntryPoint } from './child-process.js';
import { startBenchServices } from './services.js';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string', default: '10000' },
    accounts: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
  },
});
const N = Number(args.posts);
const M = Number(args.accounts);
const concurrency = Number(args.concurrency);
const RSS_CEILING_MB = 500;
const DAY_MS = 24 * 60 * 60_000;
const config = loadConfig();
const cleanups: (() => Promise<unknown>)[] = [];

/** Resident set size of a process, from the kernel (MB). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function main() {
  const { databaseUrl, temporalAddress: address } = await startBenchServices(cleanups);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  cleanups.push(() => connection.close());
  const taskQueue = `bench-standing-${randomUUID()}`;

  // Tokens sealed with a key the worker also holds (it reads them when an account workflow asks).
  const key = randomBytes(32);
  const deps = { ...testDeps(databaseUrl, [], address), crypto: new TokenCrypto(new KeyRing(new Map([['bench', key]]))) };
  cleanups.push(() => deps.database.close());

  const bundleDir = await mkdtemp(join(tmpdir(), 'herald-bench-bundle-'));
  cleanups.push(() => rm(bundleDir, { recursive: true, force: true }));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  const noop = () => {};
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: { trace: noop, debug: noop, info: noop, log: noop, warn: console.warn, error: console.error } });
  await writeFile(bundlePath, code);

  const worker = startEntryPoint('worker', 'src/worker/main.ts', {
    DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: bundlePath,
    TOKEN_KEYS: `bench:${key.toString('base64')}`, TOKEN_KEY_CURRENT: 'bench', TESTBED_PROVIDER_ENABLED: 'true', LOG_LEVEL: 'warn',
  });
  cleanups.push(() => worker.stop());
  const pid = worker.process.pid!;
  let peak = 0;
  const sampler = setInterval(() => { try { peak = Math.max(peak, rssMb(pid)); } catch { /* exited */ } }, 250);
  cleanups.push(async () => clearInterval(sampler));

  const user = await createUser(deps.database.db);
  const accounts = [];
  for (let i = 0; i < M; i++) accounts.push(await createAccount(deps, { userId: user.id, platform: 'testbed' }));
  const farAt = new Date(Date.now() + 30 * DAY_MS);
  const postIds: string[] = [];
  for (let i = 0; i < N; i++) {
    const { post } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [accounts[i % M]!], scheduledAt: farAt, content: `waiting ${i}` });
    postIds.push(post.id);
  }

  const posts = new PostCommands(client, taskQueue, { answerTimeoutMs: 10 * 60_000 });
  // Idle: the worker has started and answers (one post scheduled and answered).
  await posts.schedule({ postId: postIds[0]!, userId: user.id, scheduledAt: farAt.toISOString() });
  const idle = rssMb(pid);

  const postsStarted = Date.now();
  await inBatches(postIds.slice(1), concurrency, (postId) => posts.schedule({ postId, userId: user.id, scheduledAt: farAt.toISOString() }));
  const postsSeconds = (Date.now() - postsStarted) / 1000;
  const afterPosts = rssMb(pid);

  const accountCommands = new AccountCommands(client, taskQueue);
  await inBatches(accounts, concurrency, (a) => accountCommands.connected({ accountId: a.id, userId: user.id, platform: 'testbed' }));
  // Every account workflow has run its first task (loaded its token status and gone to sleep).
  while (await workflowTaskBacklog(client, taskQueue) > 0) await new Promise((r) => setTimeout(r, 500));
  for (const a of accounts.slice(-concurrency)) await accountCommands.state(a.id);
  const afterAccounts = rssMb(pid);

  // Settled: what the waiting work keeps once the bursts of starting it are over.
  await new Promise((r) => setTimeout(r, 20_000));
  const settled = rssMb(pid);

  console.log(`
standing load: ${N} posts waiting (due ${farAt.toISOString().slice(0, 10)}) + ${M} account workflows, worker in its own process
  machine                 ${availableParallelism()} cores
  worker                  cache ${config.WORKER_MAX_CACHED_WORKFLOWS}, ${config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS} workflow-task slots
  worker RSS idle         ${idle.toFixed(0)} MB
  after ${N} posts     ${afterPosts.toFixed(0)} MB   (scheduled in ${postsSeconds.toFixed(1)} s)
  after ${M} accounts   ${afterAccounts.toFixed(0)} MB
  settled (20 s later)    ${settled.toFixed(0)} MB   peak (sampled every 250 ms) ${peak.toFixed(0)} MB
  ceiling                 ${RSS_CEILING_MB} MB   ${settled <= RSS_CEILING_MB && peak <= RSS_CEILING_MB ? 'met' : 'NOT met'}
`);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
