// Threads speaks Graph (contract §2.2 errors, §6): the same envelope, codes and Bearer token as Instagram's Graph,
// so calls go through the one MetaGraph client. Two of them: the versioned API (`/v1.0/...`) and the unversioned
// token endpoints (`/oauth/access_token`, `/access_token`, `/refresh_access_token`, §6.2-6.3).
import { MetaGraph } from '../instagram/http.js';
import type { ResolvedThreadsOptions } from './options.js';

export interface ThreadsGraph {
  api: MetaGraph;
  tokens: MetaGraph;
}

export function threadsGraph(o: ResolvedThreadsOptions): ThreadsGraph {
  const waits = { rateLimitWaitMs: o.rateLimitWaitMs, publishingWindowMs: o.publishingWindowMs };
  return {
    api: new MetaGraph(o.graphBaseUrl, o.graphVersion, waits, o.requestTimeoutMs),
    tokens: new MetaGraph(o.graphBaseUrl, '', waits, o.requestTimeoutMs),
  };
}
