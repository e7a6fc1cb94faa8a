// The PublishStatus values operators search for (README, "Find a stuck upload in the Temporal Web UI"). A workflow
// upserts its search attributes only when it reaches one of these: every upsert is a history event and a visibility
// write, which a burst of thousands of targets pays for per step.
export const operatorQueriedStatuses: ReadonlySet<string> = new Set([
  'staging', 'staged', 'uploading', 'needs_review', 'published', 'failed', 'cancelled',
]);
