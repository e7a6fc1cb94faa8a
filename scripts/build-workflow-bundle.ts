// Builds the workflow bundle once for deployments: dist/workflow-bundle.js (WORKFLOW_BUNDLE_PATH in the worker).
import { mkdir, writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsEntry } from '../src/worker/workflow-bundle.js';

const out = process.argv[2] ?? 'dist/workflow-bundle.js';
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntry });
await mkdir(out.replace(/\/[^/]+$/, ''), { recursive: true });
await writeFile(out, code);
console.log(`workflow bundle written to ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
