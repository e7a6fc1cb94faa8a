// The Threads provider pointed at a sandbox's Threads simulator (authorize window and Graph both under `/threads`),
// with the sandbox's app credentials unless the suite gives its own.
import { createThreadsProvider, type ThreadsProviderOptions } from '../../src/platforms/threads/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { THREADS_SANDBOX_APP_ID, THREADS_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/threads/index.js';

export function threadsAt(sandboxBaseUrl: string, over: Partial<ThreadsProviderOptions> = {}): PlatformProvider {
  return createThreadsProvider({
    appId: THREADS_SANDBOX_APP_ID, appSecret: THREADS_SANDBOX_APP_SECRET,
    authBaseUrl: `${sandboxBaseUrl}/threads`, graphBaseUrl: `${sandboxBaseUrl}/threads`, ...over,
  });
}
