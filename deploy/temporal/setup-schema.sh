#!/bin/sh
# One-shot `temporal-schema` service (temporalio/admin-tools image): creates or upgrades Temporal's schemas in the
# `temporal` and `temporal_visibility` databases. Idempotent: setup-schema skips a database already past v0.0 and
# update-schema applies only the versions not yet applied, so it runs on every `docker compose up` and after a
# Temporal image upgrade. The databases and the `temporal` role come from deploy/postgres/init-databases.sh.
# Connection settings come from the environment: SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
set -eu

schema_root=/etc/temporal/schema/postgresql/v12

attempt=0
until nc -z -w 5 "$SQL_HOST" "$SQL_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL at $SQL_HOST:$SQL_PORT is not reachable" >&2
    exit 1
  fi
  sleep 2
done

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${pair#*:}
  echo "Temporal schema: $db"
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$schema_root/$dir/versioned"
done
echo "Temporal schemas are up to date"
