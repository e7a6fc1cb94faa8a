// The Threads provider: Threads login (its own app id/secret), content publishing through containers (TEXT, IMAGE,
// VIDEO, CAROUSEL) with optional follow-up parts published as a reply chain, insights, reply moderation and signed
// webhooks, per the contract in /work/shared/platforms/tiktok-meta.md §2 and §6. The sandbox simulates it
// (src/sandbox/platforms/threads).
import type { PlatformProvider } from '../provider.js';
import { createThreadsComments } from './comments.js';
import { threadsGraph } from './http.js';
import { createThreadsInsights } from './insights.js';
import { createThreadsOAuth } from './oauth.js';
import { resolveThreadsOptions, type ThreadsProviderOptions } from './options.js';
import { createThreadsPublish } from './publish.js';
import { IMAGE_TYPES, MAX_CAROUSEL, MAX_TEXT, MAX_TOPIC_TAGS, VIDEO_TYPES, validateThreadsTarget } from './target.js';
import { createThreadsWebhooks } from './webhooks.js';
import { threadsOptionForm } from './option-form.js';

export type { ThreadsProviderOptions } from './options.js';
export { THREADS_SCOPES } from './options.js';

export function createThreadsProvider(opts: ThreadsProviderOptions): PlatformProvider {
  const options = resolveThreadsOptions(opts);
  const graph = threadsGraph(options);
  return {
    id: 'threads',
    displayName: 'Threads',
    // Best times without history: weekday mornings, as the public studies (Sprout Social, Hootsuite, Buffer 2023-2025) cite them.
    postingTimePriors: [{ weekday: 2, hour: 9 }, { weekday: 3, hour: 9 }, { weekday: 4, hour: 9 }, { weekday: 1, hour: 12 }, { weekday: 5, hour: 9 }],
    limits: {
      maxTextLength: MAX_TEXT,
      maxHashtags: MAX_TOPIC_TAGS,
      minMedia: 0,
      maxMedia: MAX_CAROUSEL,
      mediaTypes: [...IMAGE_TYPES, ...VIDEO_TYPES],
    },
    validateTarget: validateThreadsTarget,
    oauth: createThreadsOAuth(graph, options),
    publish: createThreadsPublish(graph, options),
    insights: createThreadsInsights(graph),
    targetOptions: threadsOptionForm,
    webhooks: createThreadsWebhooks({ appSecret: options.appSecret, verifyToken: options.webhookVerifyToken }),
    comments: createThreadsComments(graph),
  };
}
