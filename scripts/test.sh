#!/usr/bin/env bash
# One command: install what the tests need (system packages, Chromium, Python extras) and run
# the whole test suite, slow browser and PDF tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh --test
bash scripts/setup-python.sh --test
export NO_MKDOCS_2_WARNING=1
# Keep compiled bytecode (our modules, and pytest's rewritten test modules) between the hundreds of
# Python processes a run starts: a machine that sets PYTHONDONTWRITEBYTECODE (this one does) would
# otherwise compile them again in every CLI run and every xdist worker (collection: 10.6 s -> 5.5 s).
unset PYTHONDONTWRITEBYTECODE
workers=$(.venv/bin/python -c "import os; print(max(1, min(2, os.cpu_count() or 1)))")
exec .venv/bin/python -m pytest -n "$workers" --dist worksteal --durations=30 "$@"
