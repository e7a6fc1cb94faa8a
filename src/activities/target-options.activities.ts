// The options form of one account's targets (TikTok: the creator's current privacy levels), for the
// describeTargetOptions workflow the API awaits. The token is opened here, so it never enters workflow history;
// only the form (labels and allowed values) leaves.
import { eq } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/activity';
import { socialAccounts } from '../db/schema.js';
import { openAccountTokens } from '../crypto/secret-fields.js';
import { PublishError, type TargetOptionField } from '../platforms/provider.js';
import { toApplicationFailure } from './publish.activities.js';
import type { ActivityDeps } from './deps.js';

export type { TargetOptionField } from '../platforms/provider.js';

export function createTargetOptionsActivities({ database: { db }, platforms, crypto }: ActivityDeps) {
  return {
    async describeAccountTargetOptions(accountId: string): Promise<TargetOptionField[]> {
      const [account] = await db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
      if (!account) throw ApplicationFailure.nonRetryable(`account ${accountId} not found`, 'permanent', { code: 'account_not_found' });
      if (!platforms.has(account.platform)) {
        throw ApplicationFailure.nonRetryable(`platform "${account.platform}" is not enabled on this server`, 'permanent', { code: 'platform_unavailable' });
      }
      const form = platforms.get(account.platform).targetOptions;
      if (!form) return [];
      if (account.status !== 'active') {
        throw ApplicationFailure.nonRetryable(`the account is ${account.status}; reconnect it first`, 'permanent', { code: 'account_inactive' });
      }
      try {
        return await form.describe({
          accessToken: openAccountTokens(crypto, account).accessToken,
          platformAccountId: account.platformAccountId,
          metadata: account.metadata,
        });
      } catch (err) {
        if (err instanceof PublishError) throw toApplicationFailure(err);
        throw err;
      }
    },
  };
}
