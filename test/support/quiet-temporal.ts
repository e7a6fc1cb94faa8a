// The Temporal runtime's log in tests: warnings and errors are shown, except the one warning every fault-injection
// test causes on purpose ("Activity failed": the tests assert what the workflow made of the failure). A workflow task
// failure (non-determinism, a bug thrown in workflow code) is not only shown: it fails the suite it happened in,
// because Temporal retries such a task forever and the test would otherwise time out, or pass on a stuck workflow.
import { afterAll, expect } from 'vitest';
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry } from '@temporalio/worker';

const expectedWarnings = new Set(['Activity failed']);

// On globalThis: forks are reused across suites and the runtime (with this logger) is installed once per process,
// but this module is evaluated again for every suite, which starts with an empty list.
const registry = globalThis as { heraldWorkflowTaskFailures?: string[] };
registry.heraldWorkflowTaskFailures = [];
const workflowTaskFailures = () => (registry.heraldWorkflowTaskFailures ??= []);

function log(entry: LogEntry) {
  if (entry.level === 'WARN' && expectedWarnings.has(entry.message)) return;
  // Core's report of a workflow task that threw (its activation failed); the SDK logs "Workflow failed" beside it.
  if (entry.message === 'Failing workflow task') {
    const failure = (entry.meta as { failure?: unknown } | undefined)?.failure;
    workflowTaskFailures().push(`${entry.message}: ${typeof failure === 'string' ? failure.slice(0, 500) : JSON.stringify(failure)?.slice(0, 500)}`);
  }
  console.error(`[temporal ${entry.level}] ${entry.message}`, entry.meta ?? '');
}

try {
  Runtime.install({
    logger: new DefaultLogger('WARN', log),
    // Core's own warnings (e.g. "Failing workflow task") come through the same function instead of straight to stderr.
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
  });
} catch {
  // Already installed in this process by an earlier suite (forks are reused): its logger reports to the same list.
}

afterAll(() => {
  expect(workflowTaskFailures(), 'workflow task failures logged by the worker during this suite').toEqual([]);
});
