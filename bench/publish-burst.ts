// Benchmark: N posts (default 1000), two targets each, all due at the same instant, published through the real
// publishPost workflow (and publishTarget where work is handed off) with the test provider, on a real Temporal
// server and Postgres. The provider's check step is staged ahead of the due time (--no-staging: not), so at the due
// instant only the commit and a status read remain. Prints: how many were published, duplicates and early ones, the
// lag from the due time to each publish (commit) call (p50/p99/max), publishes per second, and — measured in the
// same run on the same server — the ceiling: an empty workflow with one no-op activity started N*2 times at once.
//
//   npm run bench:publish -- [--posts 1000] [--lead-seconds auto] [--concurrency 200] [--no-staging]
// Uses embedded Postgres and a fresh in-memory Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { fmtMs, percentile } from './stats.js';
import { startBenchServices } from './services.js';
import { parseTemporalServerKind, temporalServerArg } from '../src/temporal/server-kind.js';
import { measureCeiling } from './ceiling.js';
import { startPublishBench } from './publish-setup.js';

const { values: args } = parseArgs({
  options: {
    ...temporalServerArg,
    posts: { type: 'string', default: '1000' },
    'lead-seconds': { type: 'string' },
    concurrency: { type: 'string', default: '200' },
    'workflow-task-slots': { type: 'string' },
    'no-staging': { type: 'boolean', default: false },
  },
});
const N = Number(args.posts);
const concurrency = Number(args.concurrency);

Runtime.install({ logger: new DefaultLogger('WARN') });
const cleanups: (() => Promise<unknown>)[] = [];

async function main() {
  const { databaseUrl, temporalAddress: address } = await startBenchServices(cleanups, { temporal: parseTemporalServerKind(args.temporal) });
  const bench = await startPublishBench({ databaseUrl, address, cleanups, ...(args['workflow-task-slots'] ? { workflowTaskSlots: Number(args['workflow-task-slots']) } : {}), staging: !args['no-staging'] });
  const ceiling = await measureCeiling(bench.client, bench.nativeConnection, N * 2, concurrency);

  // Due far enough ahead that every workflow is started (and staged) before the instant arrives.
  const leadMs = args['lead-seconds'] ? Number(args['lead-seconds']) * 1000 : 20_000 + N * 40;
  const dueAt = new Date(Date.now() + leadMs);
  await bench.startWorker();
  const postIds = await bench.schedule(Array.from({ length: N }, () => dueAt), concurrency);
  const scheduledAllAt = Date.now();
  if (scheduledAllAt > dueAt.getTime()) console.warn(`warning: scheduling took longer than the lead time (${fmtMs(scheduledAllAt - dueAt.getTime())} late); pass --lead-seconds`);
  await bench.awaitAll(postIds, concurrency);
  await bench.stopWorker();

  const { provider } = bench;
  const commits = provider.calls.filter((c) => c.step === 'create');
  const lags = commits.map((c) => c.at.getTime() - dueAt.getTime()).sort((a, b) => a - b);
  const lastCommit = Math.max(...commits.map((c) => c.at.getTime()));
  const publishRate = commits.length / ((lastCommit - dueAt.getTime()) / 1000);
  const early = lags.filter((l) => l < 0).length;
  const duplicates = provider.created.length - new Set(provider.created.map((p) => p.targetId)).size;
  const published = (await bench.deps.database.sql`select count(*)::int as n from post_targets where status = 'published'`)[0]!.n as number;
  const stagedChecks = provider.calls.filter((c) => c.step === 'check' && c.at.getTime() < dueAt.getTime()).length;

  console.log(`
publish burst: ${N} posts x 2 targets due at the same instant (${dueAt.toISOString()}), staging ${args['no-staging'] ? 'off' : 'on'}   (cores: ${os.cpus().length})
  targets published      ${published} / ${N * 2}   (platform received ${provider.created.length} posts; ${duplicates} duplicates; ${early} before due time; ${stagedChecks} checks staged ahead)
  lag due -> publish     p50 ${fmtMs(percentile(lags, 50))}   p99 ${fmtMs(percentile(lags, 99))}   max ${fmtMs(lags[lags.length - 1] ?? NaN)}
  publish rate           ${publishRate.toFixed(1)} publishes/s
ceiling (same server, same run): ${N * 2} empty workflows with one no-op activity
  rate                   ${ceiling.rate.toFixed(1)} workflows/s  (${ceiling.seconds.toFixed(1)} s)
  publish rate / ceiling ${((publishRate / ceiling.rate) * 100).toFixed(0)} %   (goal >= 100 %, 0 duplicates, none before its time)
`);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
