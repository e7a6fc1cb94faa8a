// Benchmark: a steady calendar. N posts (default 1200), two targets each, due one after another at R per second
// (default 20, so 60 s), published through the real workflows with the test provider (its check step staged ahead).
// Prints the lag from each post's due time to its publish (commit) calls, p50/p99/max, next to the goal
// (p50 <= 250 ms, p99 <= 1 s) and the server's ceiling measured in the same run.
//
//   npm run bench:steady -- [--posts 1200] [--rate 20] [--concurrency 200]
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
    posts: { type: 'string', default: '1200' },
    rate: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '200' },
    'workflow-task-slots': { type: 'string' },
  },
});
const N = Number(args.posts);
const perSecond = Number(args.rate);
const concurrency = Number(args.concurrency);

Runtime.install({ logger: new DefaultLogger('WARN') });
const cleanups: (() => Promise<unknown>)[] = [];

async function main() {
  const { databaseUrl, temporalAddress: address } = await startBenchServices(cleanups, { temporal: parseTemporalServerKind(args.temporal) });
  const bench = await startPublishBench({ databaseUrl, address, cleanups, ...(args['workflow-task-slots'] ? { workflowTaskSlots: Number(args['workflow-task-slots']) } : {}) });
  const ceiling = await measureCeiling(bench.client, bench.nativeConnection, 1000, concurrency);

  await bench.startWorker();
  // The first post is due once every workflow has been started (and staged); then one every 1/R s.
  const firstDue = Date.now() + 30_000 + N * 40;
  const dueTimes = Array.from({ length: N }, (_, i) => new Date(firstDue + Math.round((i * 1000) / perSecond)));
  const postIds = await bench.schedule(dueTimes, concurrency);
  if (Date.now() > firstDue) console.warn('warning: scheduling outlasted the lead; the first posts were late before the run began');
  await bench.awaitAll(postIds, concurrency);
  await bench.stopWorker();

  const dueByPost = new Map(postIds.map((id, i) => [id, dueTimes[i]!.getTime()]));
  const targetPost = new Map((await bench.deps.database.sql`select id, post_id from post_targets where post_id = any(${postIds})`).map((r) => [r.id as string, r.post_id as string]));
  const commits = bench.provider.calls.filter((c) => c.step === 'create');
  const lags = commits.map((c) => c.at.getTime() - dueByPost.get(targetPost.get(c.targetId)!)!).sort((a, b) => a - b);
  const duplicates = bench.provider.created.length - new Set(bench.provider.created.map((p) => p.targetId)).size;

  console.log(`
steady calendar: ${N} posts x 2 targets, due at ${perSecond}/s over ${(N / perSecond).toFixed(0)} s   (cores: ${os.cpus().length})
  publish calls          ${commits.length} / ${N * 2}   (${duplicates} duplicates; ${lags.filter((l) => l < 0).length} before due time)
  lag due -> publish     p50 ${fmtMs(percentile(lags, 50))}   p99 ${fmtMs(percentile(lags, 99))}   max ${fmtMs(lags[lags.length - 1] ?? NaN)}
  goal                   p50 <= 250 ms, p99 <= 1 s
ceiling (same server, same run): 1000 empty workflows with one no-op activity: ${ceiling.rate.toFixed(1)} workflows/s; load offered ${(perSecond * 2).toFixed(0)} publishes/s
`);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
