#!/usr/bin/env bash
# Maintainers: vendor ts-fsrs (the FSRS scheduler of the 规范用语练习 drill, learner.js) from the npm
# registry into site_overrides/assets/javascripts/vendor/: its browser (UMD) build, its LICENSE and a
# VERSION file. The built site loads this copy: no CDN, works offline.
#
#   bash scripts/vendor-ts-fsrs.sh            # the newest 5.x
#   bash scripts/vendor-ts-fsrs.sh 5.4.2      # an exact version
#
# `npm pack` checks the tarball against the registry's integrity hash; the sha256 of the copied
# file goes into VERSION, so a later hand edit of it shows in review.
set -euo pipefail
cd "$(dirname "$0")/.."

spec="ts-fsrs@${1:-5}"
command -v npm >/dev/null || { echo "vendor-ts-fsrs: 需要 npm (npm is required: apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "$spec") \
  || { echo "vendor-ts-fsrs: 无法从 npm 下载 $spec (cannot fetch $spec from the npm registry)" >&2; exit 1; }
tar -xzf "$work/$tarball" -C "$work"
version=$(node -p 'require(process.argv[1]).version' "$work/package/package.json")

dest=site_overrides/assets/javascripts/vendor
mkdir -p "$dest"
cp "$work/package/dist/index.umd.js" "$dest/ts-fsrs.umd.js"
cp "$work/package/LICENSE" "$dest/ts-fsrs.LICENSE"
printf 'ts-fsrs %s\nsha256 %s  ts-fsrs.umd.js\n' "$version" \
  "$(sha256sum "$dest/ts-fsrs.umd.js" | cut -d' ' -f1)" > "$dest/ts-fsrs.VERSION"
echo "vendor-ts-fsrs: ts-fsrs $version -> $dest (run tests/handbook/test_learner_browser.py, then commit $dest)"
