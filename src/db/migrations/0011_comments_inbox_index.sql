-- The comment inbox (GET /api/social/comments) pages an account's comments newest first by when they were made,
-- else when they arrived: this index gives each account's comments in that order.
CREATE INDEX IF NOT EXISTS "comments_account_inbox_idx" ON "comments" USING btree ("social_account_id", (coalesce("commented_at", "received_at")) DESC, "id" DESC);
