ALTER TYPE "public"."post_status" ADD VALUE 'needs_attention';--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "attention_reason" text;--> statement-breakpoint
CREATE TABLE "reconciler_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"action" text NOT NULL,
	"post_id" uuid,
	"target_id" uuid,
	"evidence" text NOT NULL,
	"found_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reconciler_findings" ADD CONSTRAINT "reconciler_findings_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciler_findings" ADD CONSTRAINT "reconciler_findings_target_id_post_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."post_targets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reconciler_findings_found_idx" ON "reconciler_findings" USING btree ("found_at");
