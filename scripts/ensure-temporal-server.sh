#!/usr/bin/env bash
# Installs the pinned Temporal server and its SQL schema tool into .tools/bin when they are missing, and prints three
# lines: the server binary, the SQL tool binary, and the Postgres schema folder (schema/postgresql/v12 of the same
# module). Used by `--temporal postgres` (src/temporal/postgres-server.ts). Opt-in: neither `npm test` nor the default
# `npm run dev` needs it.
# Built from source through the Go module proxy (no release download on these machines): about 3 minutes the first
# time on 2 cores, then instant. v1.30.4 is the newest server that the Go 1.26 toolchain here builds.
# The binaries get project-specific names (`go install` would call them `server` and `sql`) so they cannot clash with
# anything else in .tools/bin.
set -euo pipefail
PIN="v1.30.4"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
server="$bin/temporal-server-${PIN#v}"
sql_tool="$bin/temporal-sql-tool-${PIN#v}"

if ! command -v go >/dev/null 2>&1; then echo "Go is needed to build the Temporal server $PIN" >&2; exit 1; fi
schema="$(go env GOMODCACHE)/go.temporal.io/server@$PIN/schema/postgresql/v12"

if [ ! -x "$server" ] || [ ! -x "$sql_tool" ] || [ ! -d "$schema" ]; then
  echo "building Temporal server $PIN and its SQL tool with go install (about 3 minutes on 2 cores)" >&2
  mkdir -p "$bin"
  staging="$(mktemp -d "$root/.tools/temporal-server-build.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  CGO_ENABLED=0 GOBIN="$staging" go install -ldflags "-s -w" \
    "go.temporal.io/server/cmd/server@$PIN" "go.temporal.io/server/cmd/tools/sql@$PIN" >&2
  mv "$staging/server" "$server"
  mv "$staging/sql" "$sql_tool"
fi
echo "$server"
echo "$sql_tool"
echo "$schema"
