// Search attributes operators filter on in the Temporal Web UI / CLI (registered by scripts/dev.ts and the tests).
// Imports only @temporalio/common (sandbox-safe) so workflow code, the worker and the API share the keys.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PostIdKey = defineSearchAttributeKey('PostId', SearchAttributeType.KEYWORD);
export const UserIdKey = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const PlatformKey = defineSearchAttributeKey('Platform', SearchAttributeType.KEYWORD);
export const AccountIdKey = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
/** Upper-cased target/post status: SCHEDULED, UPLOADING, PROCESSING, PUBLISHED, ... */
export const PublishStatusKey = defineSearchAttributeKey('PublishStatus', SearchAttributeType.KEYWORD);
/** When PublishStatus last changed: "stuck in UPLOADING for 10 minutes" is `PublishStatusSince < now-10m`. */
export const PublishStatusSinceKey = defineSearchAttributeKey('PublishStatusSince', SearchAttributeType.DATETIME);

export const allSearchAttributeKeys = [
  PostIdKey, UserIdKey, PlatformKey, AccountIdKey, PublishStatusKey, PublishStatusSinceKey,
];
