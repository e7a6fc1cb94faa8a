-- A login connected with credentials (Bluesky's handle and app password) keeps the app password, sealed like its
-- tokens under the grant's data key: it is the only way to open a new session once the refresh token is gone.
ALTER TABLE "platform_grants" ADD COLUMN IF NOT EXISTS "login_secret_enc" text;
