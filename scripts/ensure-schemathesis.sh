#!/usr/bin/env bash
# Installs the pinned schemathesis (PyPI) into .tools/schemathesis when it is missing and prints the path of its
# `st` command. Used by the API fuzz test (test/api/fuzz.test.ts) through `npm test`; idempotent and quiet when the
# pinned version is already there. Fails loudly (exit 1) when it cannot install: the fuzz run is never skipped.
set -euo pipefail
PIN="4.32.5"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.tools/schemathesis"
st="$venv/bin/st"

# `st --version` too: a venv copied or moved from another directory keeps scripts whose #! line points at the old one.
installed() { [ -x "$st" ] && "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '$PIN')" 2>/dev/null && "$st" --version >/dev/null 2>&1; }

if installed; then echo "$st"; exit 0; fi
if ! command -v python3 >/dev/null 2>&1; then echo "python3 is needed to install schemathesis==$PIN" >&2; exit 1; fi
echo "installing schemathesis==$PIN into $venv" >&2
mkdir -p "$root/.tools"
python3 -m venv --clear "$venv" >&2
"$venv/bin/pip" install -q "schemathesis==$PIN" >&2
if installed; then echo "$st"; exit 0; fi
echo "schemathesis==$PIN install failed" >&2
exit 1
