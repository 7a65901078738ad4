#!/usr/bin/env bash
# Maintainers: refresh the committed lock (requirements/*.txt) from pyproject.toml, then rebuild
# .venv from it and run the whole test suite, so an upgrade is a deliberate, tested commit.
#
#   bash scripts/update-lock.sh                  # re-resolve after editing pyproject; keep other pins
#   bash scripts/update-lock.sh --upgrade        # move everything to the newest versions allowed
#   bash scripts/update-lock.sh --upgrade-package mkdocs-material   # just one (repeatable)
#
# uv resolves (fast, one universal lock valid on every Python >= 3.11 and platform, hashes of
# every published file); pip installs (scripts/setup-python.sh), so users need nothing but pip.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools" && "$tools/bin/pip" install -q "uv==$UV_VERSION" \
  || { echo "update-lock: 无法安装 uv (cannot install uv $UV_VERSION)" >&2; exit 1; }

compile=("$tools/bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes
         --custom-compile-command "bash scripts/update-lock.sh" "$@")
"${compile[@]}" pyproject.toml requirements/build.in -o requirements/runtime.txt
# The test set is the runtime set plus test tools, at the runtime set's versions.
"${compile[@]}" pyproject.toml requirements/build.in --extra test -c requirements/runtime.txt -o requirements/test.txt
git --no-pager diff --stat -- requirements/ || true

rm -rf .venv  # made again from the new lock by the test command
bash scripts/test.sh
echo "update-lock: 锁文件已更新，测试全部通过；请提交 requirements/ (lock refreshed and the suite passed: commit requirements/)"
