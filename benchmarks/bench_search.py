"""Benchmark: how often the handbook's search puts the page a new hire means among the first three.

    python benchmarks/bench_search.py [--site DIR] [--file]

Builds the shipped content (``mkdocs build --strict``, ``printables: never``) into a temporary
folder, or takes an already built ``--site``, then types every intent query of
tests/handbook/search_intents.yaml into Material's real search box in headless Chromium, served
over http (and opened from disk with ``--file``). Prints each query's first three result pages
(✔ when one of its pages is among them, ∅ when nothing was found), the top-3 hit rate, the number
of queries without results and the size of the search index.

On the shipped content (50 queries; http and file:// alike): before issue 28, 26/50 = 52 % with 4
queries finding nothing and a 551,800-byte index; after, 49/50 = 98 %, none without results,
588,991 bytes (with procedure aliases; 45/50 and 605,261 bytes before them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "handbook"))
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from handbook_support import build_shipped_handbook, serve_dir  # noqa: E402
from search_support import hit, load_intents, run_intents  # noqa: E402


def _build(root: Path) -> Path:
    run = build_shipped_handbook(root)
    if run.returncode != 0:
        sys.exit(f"build failed:\n{run.stdout}\n{run.stderr}")
    return root / "site"


def _report(label: str, results: list) -> float:
    hits = sum(hit(intent, pages) for intent, pages in results)
    empty = sum(not pages for _, pages in results)
    print(f"\n== {label}")
    for intent, pages in results:
        mark = "∅" if not pages else ("✔" if hit(intent, pages) else "✘")
        print(f"{mark} {intent.query:<16} -> {', '.join(p.removesuffix('.html') for p in pages[:3])}"
              + ("" if mark == "✔" else f"   (wanted {', '.join(intent.pages)})"))
    rate = hits / len(results)
    print(f"top-3 hit rate: {hits}/{len(results)} = {rate:.0%}; without results: {empty}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build content/ now)")
    parser.add_argument("--file", action="store_true", help="also open the site from disk (file://)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    intents = load_intents()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        site = args.site.resolve() if args.site else _build(Path(tmp))
        index = site / "search" / "search_index.json"
        print(f"search index: {index.stat().st_size:,} bytes; {len(intents)} intent queries")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                with serve_dir(site) as url:
                    _report("http", run_intents(browser, url + "index.html", intents))
                if args.file:
                    _report("file://", run_intents(browser, (site / "index.html").as_uri(), intents))
            finally:
                browser.close()


if __name__ == "__main__":
    main()
