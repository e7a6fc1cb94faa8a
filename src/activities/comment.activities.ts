// Replying to and hiding comments at the platform, on behalf of the commentAction workflow. The account's token is
// loaded and decrypted here, by the comment's account, so it never enters workflow history.
import { eq } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/activity';
import { comments, socialAccounts } from '../db/schema.js';
import { openAccountTokens } from '../crypto/secret-fields.js';
import { PublishError } from '../platforms/provider.js';
import { toApplicationFailure } from './publish.activities.js';
import type { ActivityDeps } from './deps.js';

export type CommentActionInput =
  | { commentId: string; action: 'reply'; text: string }
  | { commentId: string; action: 'setHidden'; hidden: boolean };

export interface CommentActionResult {
  replyPlatformId?: string;
  hidden?: boolean;
}

export function createCommentActivities({ database: { db }, platforms, crypto }: ActivityDeps) {
  return {
    async performCommentAction(input: CommentActionInput): Promise<CommentActionResult> {
      const [row] = await db.select({ comment: comments, account: socialAccounts })
        .from(comments).innerJoin(socialAccounts, eq(socialAccounts.id, comments.socialAccountId))
        .where(eq(comments.id, input.commentId));
      if (!row) throw ApplicationFailure.nonRetryable(`comment ${input.commentId} not found`, 'permanent', { code: 'comment_not_found' });
      const { comment, account } = row;
      const capability = platforms.has(comment.platform) ? platforms.get(comment.platform).comments : undefined;
      if (!capability) throw ApplicationFailure.nonRetryable(`${comment.platform} comments cannot be answered through Herald`, 'permanent', { code: 'comments_unsupported' });
      if (account.status !== 'active') throw ApplicationFailure.nonRetryable(`account is ${account.status}`, 'permanent', { code: 'account_inactive' });
      const ctx = { accessToken: openAccountTokens(crypto, account).accessToken, platformAccountId: account.platformAccountId };
      try {
        if (input.action === 'reply') {
          const reply = await capability.reply(ctx, comment.platformCommentId, input.text);
          return { replyPlatformId: reply.id };
        }
        await capability.setHidden(ctx, comment.platformCommentId, input.hidden);
        await db.update(comments).set({ hidden: input.hidden, updatedAt: new Date() }).where(eq(comments.id, comment.id));
        return { hidden: input.hidden };
      } catch (err) {
        if (err instanceof PublishError) throw toApplicationFailure(err);
        throw err;
      }
    },
  };
}
