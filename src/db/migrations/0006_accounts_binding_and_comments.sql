ALTER TABLE "oauth_states" ADD COLUMN "browser_binding_hash" text;--> statement-breakpoint
DROP INDEX "comments_platform_comment_key";--> statement-breakpoint
CREATE UNIQUE INDEX "comments_platform_comment_account_key" ON "comments" USING btree ("platform","platform_comment_id","social_account_id");
