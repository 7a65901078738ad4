#!/usr/bin/env bash
# Creates .venv (Python 3.11+) and installs Playbook into it from the committed lock
# (requirements/runtime.txt, or requirements/test.txt with --test): exact versions, checked hashes.
# Usage: scripts/setup-python.sh [--test]
#
# A .venv is trusted only when .venv/.playbook-lock names the lock it was completed with; a
# half-made one (interrupted install, other lock) is thrown away and made again.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "setup-python: 错误：$1 (error: $2)" >&2; exit 1; }

PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 \
  || fail "找不到 Python（$PY），请先安装 Python 3.11 或更新版本" "$PY not found; install Python 3.11 or newer"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1 \
  || fail "需要 Python 3.11 或更新版本，$PY 是 $("$PY" --version 2>&1 | head -1)" \
          "Python 3.11 or newer is needed; $PY is $("$PY" --version 2>&1 | head -1)"

lock=requirements/runtime.txt
[[ "${1:-}" == "--test" ]] && lock=requirements/test.txt
stamp() { cat "$1" pyproject.toml | sha256sum | cut -c1-16; }
want="$lock $(stamp "$lock")"
test_done="requirements/test.txt $(stamp requirements/test.txt)"
runtime_done="requirements/runtime.txt $(stamp requirements/runtime.txt)"
marker=.venv/.playbook-lock
have=$(cat "$marker" 2>/dev/null || true)

if .venv/bin/python -c '' >/dev/null 2>&1; then
  # The test lock pins the runtime lock's versions, so a test install serves a runtime request.
  if [[ "$have" == "$want" || ( "$have" == "$test_done" && "$lock" == requirements/runtime.txt ) ]]; then
    echo "setup-python: .venv 已是锁定版本 (.venv matches $lock)"
    exit 0
  fi
  # Only a completed runtime install may be topped up to the test set; anything else starts over.
  [[ "$have" == "$runtime_done" ]] || rm -rf .venv
else
  rm -rf .venv
fi

if [[ ! -d .venv ]]; then
  "$PY" -m venv .venv >/dev/null 2>&1 \
    || fail "无法创建 .venv（Debian 上请安装 python3-venv）" "cannot create .venv (on Debian install python3-venv)"
fi
rm -f "$marker"
log=.venv/pip-install.log
echo "setup-python: 按 $lock 安装依赖 (installing $lock)"
if ! .venv/bin/python -m pip install --require-hashes --no-deps -r "$lock" >"$log" 2>&1; then
  if grep -qiE "hash.*(mismatch|do not match)|THESE PACKAGES DO NOT MATCH" "$log"; then
    fail "下载的软件包与锁文件里的哈希不一致（日志：$log）" "a downloaded package does not match the lock's hash (log: $log)"
  elif grep -qiE "NewConnectionError|Failed to establish|Temporary failure in name resolution|Name or service not known|Connection refused|timed out|No matching distribution|Could not find a version" "$log"; then
    fail "无法从软件包索引下载依赖，请检查网络或 pip 的索引设置（日志：$log）" \
         "cannot download from the package index; check the network or pip's index settings (log: $log)"
  fi
  tail -20 "$log" >&2
  fail "依赖安装失败（日志：$log）" "pip install failed (log: $log)"
fi
# Playbook itself, built by the locked setuptools (no isolated build that would fetch another one).
if ! .venv/bin/python -m pip install --no-deps --no-build-isolation -e . >>"$log" 2>&1; then
  tail -20 "$log" >&2
  fail "安装 Playbook 本身失败（日志：$log）" "installing Playbook itself failed (log: $log)"
fi
.venv/bin/python -m pip check >>"$log" 2>&1 \
  || { tail -5 "$log" >&2; fail "安装结果不完整（日志：$log）" "the installed set is inconsistent (log: $log)"; }
echo "$want" >"$marker"
echo "setup-python: 完成 (done: .venv from $lock)"
