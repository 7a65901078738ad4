#!/usr/bin/env bash
# Maintainers: vendor axe-core (the accessibility engine of tests/handbook/test_accessibility.py)
# from the npm registry into tests/vendor/axe-core/: axe.min.js, its LICENSE and a VERSION file.
#
#   bash scripts/vendor-axe.sh            # the newest 4.x
#   bash scripts/vendor-axe.sh 4.14.1     # an exact version
#
# `npm pack` checks the tarball against the registry's integrity hash; the sha256 of the copied
# axe.min.js goes into VERSION, so a later hand edit of the file shows in review. Only the tests
# load it: the built site never fetches or ships axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."

spec="axe-core@${1:-4}"
command -v npm >/dev/null || { echo "vendor-axe: 需要 npm (npm is required: apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "$spec") \
  || { echo "vendor-axe: 无法从 npm 下载 $spec (cannot fetch $spec from the npm registry)" >&2; exit 1; }
tar -xzf "$work/$tarball" -C "$work"
version=$(node -p 'require(process.argv[1]).version' "$work/package/package.json")

dest=tests/vendor/axe-core
mkdir -p "$dest"
cp "$work/package/axe.min.js" "$dest/axe.min.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
printf 'axe-core %s\nsha256 %s  axe.min.js\n' "$version" \
  "$(sha256sum "$dest/axe.min.js" | cut -d' ' -f1)" > "$dest/VERSION"
echo "vendor-axe: axe-core $version -> $dest (run tests/handbook/test_accessibility.py, then commit $dest)"
