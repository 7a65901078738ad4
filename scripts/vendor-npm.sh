#!/usr/bin/env bash
# Maintainers: vendor a browser script from the npm registry, with its LICENSE and a VERSION file.
#
#   bash scripts/vendor-npm.sh axe-core           # the newest 4.x: the accessibility engine of
#                                                 # tests/handbook/test_accessibility.py (tests only)
#   bash scripts/vendor-npm.sh ts-fsrs 5.4.2      # an exact version: the FSRS scheduler of the
#                                                 # 规范用语练习 drill (learner.js), shipped in the site
#
# `npm pack` checks the tarball against the registry's integrity hash; the sha256 of the copied file
# goes into VERSION, so a later hand edit of it shows in review. The built site loads its copies
# (no CDN, works offline); it never fetches or ships axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:-}
# package: newest major, file in the package, folder, copied name, LICENSE name, VERSION name, tests to run
case "$name" in
  axe-core) major=4 file=axe.min.js dest=tests/vendor/axe-core to=axe.min.js license=LICENSE
            version_file=VERSION tests=tests/handbook/test_accessibility.py ;;
  ts-fsrs)  major=5 file=dist/index.umd.js dest=site_overrides/assets/javascripts/vendor to=ts-fsrs.umd.js
            license=ts-fsrs.LICENSE version_file=ts-fsrs.VERSION tests=tests/handbook/test_learner_browser.py ;;
  *) echo "vendor-npm: 用法 (usage): bash scripts/vendor-npm.sh axe-core|ts-fsrs [VERSION]" >&2; exit 2 ;;
esac
spec="$name@${2:-$major}"
command -v npm >/dev/null || { echo "vendor-npm: 需要 npm (npm is required: apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "$spec") \
  || { echo "vendor-npm: 无法从 npm 下载 $spec (cannot fetch $spec from the npm registry)" >&2; exit 1; }
tar -xzf "$work/$tarball" -C "$work"
version=$(node -p 'require(process.argv[1]).version' "$work/package/package.json")

mkdir -p "$dest"
cp "$work/package/$file" "$dest/$to"
cp "$work/package/LICENSE" "$dest/$license"
printf '%s %s\nsha256 %s  %s\n' "$name" "$version" "$(sha256sum "$dest/$to" | cut -d' ' -f1)" "$to" > "$dest/$version_file"
echo "vendor-npm: $name $version -> $dest (run $tests, then commit $dest)"
