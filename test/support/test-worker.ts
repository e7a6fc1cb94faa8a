// A Herald worker on the shared test Temporal server, on its own task queue, with a Temporal client and the post
// commands for that queue. `restart()` lets a test stop the worker and bring it back (crash-and-recover cases).
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createHeraldWorker, type HeraldWorker } from '../../src/worker/create-worker.js';
import { PostCommands, type PostCommandOptions } from '../../src/temporal/post-commands.js';
import type { ActivityDeps } from '../../src/activities/index.js';

export interface TestWorker {
  taskQueue: string;
  client: Client;
  commands: PostCommands;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface TestWorkerOptions {
  taskQueue?: string;
  /** Near zero makes `stop()` a crash as far as running activities are concerned. */
  shutdownGraceTime?: string;
  /** Another Temporal server than the shared one (a suite that needs its own server settings). */
  temporalAddress?: string;
  /** Start stopped: the test queues work first, then calls `start()`. */
  stopped?: boolean;
  /** Worker tuning, e.g. one workflow-task slot and no cache so tasks run strictly one after another. */
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  /** PostCommands' options (answer timeout, due-soon horizon). */
  commandOptions?: PostCommandOptions;
}

export async function startTestWorker(deps: ActivityDeps, opts: TestWorkerOptions = {}): Promise<TestWorker> {
  const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
  const address = opts.temporalAddress ?? inject('temporalAddress');
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  let worker: HeraldWorker | undefined;
  let running: Promise<void> | undefined;

  const start = async () => {
    const started = await createHeraldWorker({
      connection: nativeConnection, namespace: 'default', taskQueue, deps,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      ...(opts.shutdownGraceTime ? { shutdownGraceTime: opts.shutdownGraceTime } : {}),
      ...(opts.maxConcurrentWorkflowTaskExecutions !== undefined ? { maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions } : {}),
      ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    });
    worker = started;
    running = started.run();
  };
  const stop = async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
  };
  if (!opts.stopped) await start();
  return {
    taskQueue, client, commands: new PostCommands(client, taskQueue, opts.commandOptions), start, stop,
    close: async () => {
      await stop();
      await nativeConnection.close();
      await connection.close();
    },
  };
}
