#!/usr/bin/env bash
# System packages Playbook needs on Debian/Ubuntu. Usage: scripts/setup-system.sh [--test]
#   always: Python venv support, Noto CJK fonts (embedded in every PDF; Typst, a Python wheel, lays
#           them out and needs no other system library) and fontconfig (finds the font files)
#   --test: also poppler-utils (pdftotext/pdffonts/pdftoppm) and headless Chromium for the browser tests
set -euo pipefail

fail() { echo "setup-system: 错误：$1 (error: $2)" >&2; exit 1; }

packages=(python3-venv fonts-noto-cjk fontconfig)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils chromium-headless-shell)
fi

command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  || fail "这台机器没有 apt（不是 Debian/Ubuntu），请手动安装：${packages[*]}" \
          "no apt here (not Debian/Ubuntu); install these by hand: ${packages[*]}"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-system: 系统软件包齐全 (system packages: all present)"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1 \
    || fail "需要 root 或免密码 sudo 才能安装：${missing[*]}（或请管理员安装）" \
            "root or password-less sudo is needed to install: ${missing[*]} (or ask an administrator)"
  SUDO=(sudo -n)
fi
echo "setup-system: 安装系统软件包 (installing): ${missing[*]}"
"${SUDO[@]}" apt-get update -qq >/dev/null 2>&1 \
  || fail "apt-get update 失败，请检查网络和软件源" "apt-get update failed; check the network and the package sources"
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || fail "apt-get install 失败：${missing[*]}" "apt-get install failed: ${missing[*]}"
fc-cache -f >/dev/null 2>&1 || true
