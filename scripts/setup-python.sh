#!/usr/bin/env bash
# Creates .venv (Python 3.11+) and installs Playbook into it. Usage: scripts/setup-python.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "Playbook needs Python 3.11 or newer ($PY is $("$PY" --version 2>&1))" >&2; exit 1; }
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
extras=""
[[ "${1:-}" == "--test" ]] && extras="[test]"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
log=.venv/pip-install.log
if ! .venv/bin/python -m pip install -q -e ".${extras}" >"$log" 2>&1; then
  cat "$log" >&2
  echo "pip install failed (log: $log)" >&2
  exit 1
fi
.venv/bin/python -c "import generator, mkdocs, material, weasyprint" # fail loudly if the install did not take
