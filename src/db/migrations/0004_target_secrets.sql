CREATE TABLE "target_secrets" (
	"target_id" uuid NOT NULL,
	"name" text NOT NULL,
	"data_key" text NOT NULL,
	"value_enc" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "target_secrets_target_id_name_pk" PRIMARY KEY("target_id","name")
);
--> statement-breakpoint
ALTER TABLE "target_secrets" ADD CONSTRAINT "target_secrets_target_id_post_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."post_targets"("id") ON DELETE cascade ON UPDATE no action;