#!/usr/bin/env bash
# System packages Playbook needs on Debian/Ubuntu. Usage: scripts/setup-system.sh [--test]
#   always: Python venv support, Noto CJK fonts (embedded in every PDF), WeasyPrint's libraries
#   --test: also poppler-utils (pdftotext/pdffonts/pdftoppm) and Chromium for the browser tests
set -euo pipefail

packages=(python3-venv fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils chromium chromium-driver)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
