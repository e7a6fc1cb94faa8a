-- Logins become grants (issue 10): a grant holds the user's tokens; the accounts it yields point at it and may carry
-- their own credentials (a Page token). Existing accounts keep their tokens and are filed under a grant by their
-- first token operation (src/activities/grants.ts): tokens are sealed to their row, so moving them needs the key ring.
CREATE TABLE "platform_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"data_key" text,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"expires_at" timestamp with time zone,
	"refresh_expires_at" timestamp with time zone,
	"tokens_issued_at" timestamp with time zone,
	"status" "account_status" DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform_grants" ADD CONSTRAINT "platform_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "platform_grants_user_platform_idx" ON "platform_grants" USING btree ("user_id","platform");
--> statement-breakpoint
ALTER TABLE "social_accounts" ADD COLUMN "grant_id" uuid;
--> statement-breakpoint
ALTER TABLE "social_accounts" ADD COLUMN "own_credentials" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "social_accounts" ADD CONSTRAINT "social_accounts_grant_id_platform_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."platform_grants"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "social_accounts_grant_idx" ON "social_accounts" USING btree ("grant_id");
