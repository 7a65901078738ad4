"""How long `playbook import` takes on a ~200-page SOP text (the seeds concatenated and repeated).

    python benchmarks/bench_import.py [--pages 200] [--runs 3]

A "page" is counted as 1,500 Chinese characters (a printed A4 page of body text). Prints the
document size, the best wall time of the in-process import (read, clean, outline, extract,
render YAML) and of the full CLI run (including writing files and the self-check).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seeds"  # the seed documents, kept in the repository
CHARS_PER_PAGE = 1500


def make_document(pages: int, dest: Path) -> tuple[int, int]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if not seeds:
        sys.exit(f"no seed documents in {SEEDS}")
    parts, size, i = [], 0, 0
    while size < pages * CHARS_PER_PAGE:
        text = seeds[i % len(seeds)]
        parts.append(text)
        size += len(text)
        i += 1
    body = "\n".join(parts)
    dest.write_text(body, encoding="utf-8")
    return len(body), body.count("\n") + 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from generator.commands.import_ import import_document

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sop-200-pages.txt"
        chars, lines = make_document(opts.pages, src)
        best_core = float("inf")
        for _ in range(opts.runs):
            t = time.perf_counter()
            imp = import_document(src)
            best_core = min(best_core, time.perf_counter() - t)
        best_cli = float("inf")
        for n in range(opts.runs):
            out = Path(tmp) / f"out{n}"
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "generator.cli", "import", str(src), "--out", str(out)],
                                  cwd=REPO, capture_output=True, text=True)
            best_cli = min(best_cli, time.perf_counter() - t)
            if proc.returncode != 0:
                sys.exit(f"import failed:\n{proc.stderr}")
    print(f"document: {chars:,} characters ≈ {chars / CHARS_PER_PAGE:.0f} pages, {lines:,} lines")
    print(f"result:   {len(imp.result.procedures)} procedures, {len(imp.result.phrases)} phrases, "
          f"{len(imp.unplaced)} unplaced items")
    print(f"import (in-process, best of {opts.runs}): {best_core:.2f} s")
    print(f"playbook import CLI incl. write + check (best of {opts.runs}): {best_cli:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
