CREATE TABLE "quota_holds" (
	"key" text NOT NULL,
	"hold_id" text NOT NULL,
	"held_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "quota_holds_key_hold_id_pk" PRIMARY KEY("key","hold_id")
);
--> statement-breakpoint
CREATE INDEX "quota_holds_key_time_idx" ON "quota_holds" USING btree ("key","held_at");