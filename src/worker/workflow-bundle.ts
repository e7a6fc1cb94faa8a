// The worker runs workflows from a bundle built once: prebuilt (`npm run build:workflow`, WORKFLOW_BUNDLE_PATH) in
// deployments, or bundled at start in development. Never `workflowsPath` per worker, which re-bundles every time.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

// Resolves to workflows/index.ts under tsx/vitest and to workflows/index.js in the compiled dist/.
export const workflowsEntry = fileURLToPath(new URL(`../workflows/index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));

export type WorkflowBundleSource = { codePath: string } | WorkflowBundleWithSourceMap;

export async function loadWorkflowBundle(prebuiltPath?: string): Promise<WorkflowBundleSource> {
  if (prebuiltPath) {
    if (!existsSync(prebuiltPath)) throw new Error(`WORKFLOW_BUNDLE_PATH ${prebuiltPath} does not exist (run npm run build:workflow)`);
    return { codePath: prebuiltPath };
  }
  return bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: quietLogger });
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
