// All activities the worker registers, built from their dependencies (the samples-typescript DI pattern).
import type { ActivityDeps } from './deps.js';
import { createCommentActivities } from './comment.activities.js';
import { createAccountActivities } from './account.activities.js';
import { createInsightsActivities } from './insights.activities.js';
import { createPostActivities } from './post.activities.js';
import { createPublishActivities } from './publish.activities.js';
import { createReconcileActivities } from './reconcile.activities.js';
import { createRetentionActivities } from './retention.activities.js';
import { createTargetOptionsActivities } from './target-options.activities.js';
import { createWebhookActivities } from './webhook.activities.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createInsightsActivities(deps),
    ...createPostActivities(deps),
    ...createPublishActivities(deps),
    ...createReconcileActivities(deps),
    ...createCommentActivities(deps),
    ...createWebhookActivities(deps),
    ...createRetentionActivities(deps),
    ...createTargetOptionsActivities(deps),
  };
}
