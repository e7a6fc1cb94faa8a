CREATE INDEX "posts_user_calendar_idx" ON "posts" USING btree ("user_id",coalesce("scheduled_at", "created_at"),"id");--> statement-breakpoint
DROP INDEX "posts_user_scheduled_idx";--> statement-breakpoint
DROP INDEX "posts_user_created_idx";
