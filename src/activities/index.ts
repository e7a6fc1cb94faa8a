// All activities the worker registers, built from their dependencies (the samples-typescript DI pattern).
import type { ActivityDeps } from './deps.js';
import { createPostActivities } from './post.activities.js';
import { createPublishActivities } from './publish.activities.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPostActivities(deps),
    ...createPublishActivities(deps),
  };
}
