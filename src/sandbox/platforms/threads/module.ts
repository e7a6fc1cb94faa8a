// The Threads simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { threadsPlatform, type ThreadsSandboxOptions } from './index.js';
import { THREADS_SANDBOX_APP_ID, THREADS_SANDBOX_APP_SECRET } from './options.js';

export const threadsSandboxModule = defineSandboxModule<ThreadsSandboxOptions>({
  create: threadsPlatform,
  fromConfig: (config, herald) => ({
    ...(config.THREADS_APP_ID ? { appId: config.THREADS_APP_ID } : {}),
    ...(config.THREADS_APP_SECRET ? { appSecret: config.THREADS_APP_SECRET } : {}),
    publishingLimit: config.THREADS_PUBLISHING_LIMIT,
    replyLimit: config.THREADS_REPLY_LIMIT,
    webhook: { url: `${herald.apiBaseUrl}/api/webhooks/threads` },
  }),
  devSettings: { unlessSet: 'THREADS_GRAPH_BASE_URL', values: { THREADS_APP_ID: THREADS_SANDBOX_APP_ID, THREADS_APP_SECRET: THREADS_SANDBOX_APP_SECRET } },
});
