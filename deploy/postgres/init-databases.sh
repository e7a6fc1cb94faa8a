#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data volume (/docker-entrypoint-initdb.d).
# One Postgres serves both Temporal and Herald, each with its own non-superuser role:
#   temporal -> databases temporal, temporal_visibility (schemas applied by the temporal-schema service;
#               btree_gin, which the visibility schema needs, is installed here)
#   herald   -> database herald (tables created by Herald's own migrations at API/worker start)
# Both roles get POSTGRES_PASSWORD. Changing POSTGRES_PASSWORD later does not change existing roles: use
# ALTER ROLE ... PASSWORD, or remove the volume to start over.
# No `set -u`/`exit` here: the image's entrypoint sources this file when it is not executable.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  -v app_password="$POSTGRES_PASSWORD" <<'EOSQL'
CREATE ROLE temporal LOGIN PASSWORD :'app_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

CREATE ROLE herald LOGIN PASSWORD :'app_password';
CREATE DATABASE herald OWNER herald;

-- Temporal's SQL visibility schema needs btree_gin; create it here as superuser so the schema tool, which runs as
-- the unprivileged `temporal` role, finds it installed.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;
EOSQL
