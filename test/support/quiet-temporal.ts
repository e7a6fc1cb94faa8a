// Workers in tests log at WARN: the SDK's INFO state-change lines drown the test output.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process by an earlier suite.
}
