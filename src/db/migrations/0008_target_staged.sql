-- A target whose work ahead of the due time is done (issue 9: staging). Adding an enum value is allowed inside the
-- migrator's transaction; nothing here uses it in the same transaction.
ALTER TYPE "public"."target_status" ADD VALUE IF NOT EXISTS 'staged';
