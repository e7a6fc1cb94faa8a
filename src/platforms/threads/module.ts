// Threads' settings and how a deployment builds its provider: Threads has its own Meta app (id and secret),
// separate from the Facebook app, and is available when both are set.
import { z } from 'zod';
import { positiveInt } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createThreadsProvider } from './index.js';

export const threadsModule = definePlatformModule({
  name: 'threads',
  settings: {
    /** Threads has its own app (id and secret), separate from the Facebook app. */
    THREADS_APP_ID: z.string().optional(),
    THREADS_APP_SECRET: z.string().optional(),
    /** Host of the Threads authorize window (https://threads.net in production). */
    THREADS_AUTH_BASE_URL: z.string().url().optional(),
    /** Host of the Threads Graph API (https://graph.threads.net in production). */
    THREADS_GRAPH_BASE_URL: z.string().url().optional(),
    THREADS_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v1.0'),
    /** Token Meta echoes in the Threads webhook subscription handshake (hub.verify_token). */
    THREADS_WEBHOOK_VERIFY_TOKEN: z.string().optional(),
    /** Threads posts per 24 h per account (threads_publishing_limit: 250). */
    THREADS_PUBLISHING_LIMIT: positiveInt.default(250),
    /** Threads replies per 24 h per account (the follow-up parts of a thread count here: 1,000). */
    THREADS_REPLY_LIMIT: positiveInt.default(1000),
  },
  providers: (s, shared) => !s.THREADS_APP_ID || !s.THREADS_APP_SECRET ? [] : [createThreadsProvider({
    appId: s.THREADS_APP_ID,
    appSecret: s.THREADS_APP_SECRET,
    authBaseUrl: s.THREADS_AUTH_BASE_URL ?? `${shared.sandboxBaseUrl}/threads`,
    graphBaseUrl: s.THREADS_GRAPH_BASE_URL ?? `${shared.sandboxBaseUrl}/threads`,
    graphVersion: s.THREADS_GRAPH_VERSION,
    webhookVerifyToken: s.THREADS_WEBHOOK_VERIFY_TOKEN,
    publishingLimit: s.THREADS_PUBLISHING_LIMIT,
    replyLimit: s.THREADS_REPLY_LIMIT,
    settleWindow: shared.settleWindow,
  })],
});
