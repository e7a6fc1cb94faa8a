// A Herald worker on the shared test Temporal server, on its own task queue, with a Temporal client and the post
// commands for that queue. `restart()` lets a test stop the worker and bring it back (crash-and-recover cases).
import { inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createHeraldWorker, type HeraldWorker } from '../../src/worker/create-worker.js';
import { PostCommands } from '../../src/temporal/post-commands.js';
import type { ActivityDeps } from '../../src/activities/index.js';

export interface TestWorker {
  taskQueue: string;
  client: Client;
  commands: PostCommands;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `shutdownGraceTime` near zero makes `stop()` a crash as far as running activities are concerned. */
export async function startTestWorker(deps: ActivityDeps, opts: { taskQueue?: string; shutdownGraceTime?: string } = {}): Promise<TestWorker> {
  const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection });
  let worker: HeraldWorker | undefined;
  let running: Promise<void> | undefined;

  const start = async () => {
    const started = await createHeraldWorker({
      connection: nativeConnection, namespace: 'default', taskQueue, deps,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      ...(opts.shutdownGraceTime ? { shutdownGraceTime: opts.shutdownGraceTime } : {}),
    });
    worker = started;
    running = started.run();
  };
  const stop = async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
  };
  await start();
  return {
    taskQueue, client, commands: new PostCommands(client, taskQueue), start, stop,
    close: async () => {
      await stop();
      await nativeConnection.close();
      await connection.close();
    },
  };
}
