#!/usr/bin/env bash
# One command: install what is needed and build the real handbook (site/) from content/,
# with online quizzes, quiz papers and checklist PDFs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-python.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/playbook check --strict
.venv/bin/playbook build
echo "打开 site/index.html 即可阅读手册 (open site/index.html)"
