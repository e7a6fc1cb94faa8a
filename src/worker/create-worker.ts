// Builds Herald's worker: every workflow from one bundle and every activity from its factory, with the
// concurrency limits from configuration. Used by src/worker/main.ts, scripts/dev.ts, the tests and the benchmark.
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { WorkflowBundleSource } from './workflow-bundle.js';

export interface HeraldWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  workflowBundle: WorkflowBundleSource;
  deps: ActivityDeps;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** 0 turns the sticky cache off (every workflow task replays its history). */
  maxCachedWorkflows?: number;
  /** How long in-flight activities may finish after shutdown begins before they are cancelled. */
  shutdownGraceTime?: string;
}

export function createHeraldWorker(o: HeraldWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: o.workflowBundle,
    activities: createActivities(o.deps),
    ...(o.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions } : {}),
    ...(o.maxConcurrentWorkflowTaskExecutions ? { maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTaskExecutions } : {}),
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
    // Heartbeats carry upload progress; the SDK would otherwise throttle them to as rarely as every 60 s.
    maxHeartbeatThrottleInterval: '10 seconds',
    shutdownGraceTime: (o.shutdownGraceTime ?? '10 seconds') as `${number} seconds`,
  });
}
