// Workers in tests log at ERROR: expected activity failures (WARN) and state changes (INFO) drown the output.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Already installed in this process by an earlier suite.
}
