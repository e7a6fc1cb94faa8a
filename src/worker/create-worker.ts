// Builds Herald's worker: every workflow from one bundle and every activity from its factory, with the
// concurrency limits from configuration. Used by src/worker/main.ts, scripts/dev.ts, the tests and the benchmarks.
// It is two SDK workers in one: the main task queue (workflows, and every activity but uploads) and the transfer
// task queue next to it, with its own slots, so long uploads never take a slot a due commit needs.
import { Worker, type NativeConnection, type State } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { transferTaskQueue } from '../workflows/messages.js';
import type { WorkflowBundleSource } from './workflow-bundle.js';

export interface HeraldWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  workflowBundle: WorkflowBundleSource;
  deps: ActivityDeps;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  maxCachedWorkflows?: number;
  /** Uploads at once on the transfer task queue (WORKER_MAX_CONCURRENT_TRANSFERS). */
  maxConcurrentTransfers?: number;
  /** How long in-flight activities may finish after shutdown begins before they are cancelled. */
  shutdownGraceTime?: string;
}

/** The main and transfer workers, run and shut down together. */
export interface HeraldWorker {
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
}

export async function createHeraldWorker(o: HeraldWorkerOptions): Promise<HeraldWorker> {
  const activities = createActivities(o.deps);
  const common = {
    connection: o.connection,
    namespace: o.namespace,
    activities,
    // Heartbeats carry upload progress; the SDK would otherwise throttle them to as rarely as every 60 s.
    maxHeartbeatThrottleInterval: '10 seconds',
    shutdownGraceTime: (o.shutdownGraceTime ?? '10 seconds') as `${number} seconds`,
  } as const;
  const main = await Worker.create({
    ...common,
    taskQueue: o.taskQueue,
    workflowBundle: o.workflowBundle,
    ...(o.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions } : {}),
    ...(o.maxConcurrentWorkflowTaskExecutions ? { maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTaskExecutions } : {}),
    ...(o.maxConcurrentLocalActivityExecutions ? { maxConcurrentLocalActivityExecutions: o.maxConcurrentLocalActivityExecutions } : {}),
    ...(o.maxCachedWorkflows ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
  });
  const transfers = await Worker.create({
    ...common,
    taskQueue: transferTaskQueue(o.taskQueue),
    maxConcurrentActivityTaskExecutions: o.maxConcurrentTransfers ?? 8,
  });
  const shutdown = () => {
    for (const w of [main, transfers]) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    run: async () => {
      const runs = [main.run(), transfers.run()];
      try {
        await Promise.all(runs);
      } catch (err) {
        // One of them failed: the other stops too, so the process does not run half a worker.
        shutdown();
        await Promise.allSettled(runs);
        throw err;
      }
    },
    shutdown,
    getState: () => main.getState(),
  };
}
