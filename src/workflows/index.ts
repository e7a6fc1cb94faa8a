// Entry point of the workflow bundle: every workflow type the worker registers.
export { accountLifecycle } from './account-lifecycle.workflow.js';
export { insightsSync } from './insights-sync.workflow.js';
export { publishPost } from './publish-post.workflow.js';
export { publishTarget } from './publish-target.workflow.js';
export { webhookIngest } from './webhook-ingest.workflow.js';
export { commentAction } from './comment-action.workflow.js';
export { describeTargetOptions } from './target-options.workflow.js';
export { pruneExpiredRecords } from './prune-expired-records.workflow.js';
export { reconcilePosts } from './reconcile-posts.workflow.js';
