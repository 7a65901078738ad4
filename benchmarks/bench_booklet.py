"""Benchmark: one booklet holding every procedure (``playbook booklet --all``) at N procedures.

    python benchmarks/bench_booklet.py [--procedures 500]

Generates content with benchmarks/corpus.py in a temporary directory, loads it with the real
loader and prints, per phase, the time taken: building the view (versions included), building the
JSON data, loading the fonts (once per process), laying it out into a PDF with Typst, writing the
PDF; then pages per second and peak memory (max RSS of this process). Figures, not a timed test:
run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

from generator.booklet.render import BOOKLET_TEMPLATE, booklet_data  # noqa: E402
from generator.booklet.view import booklet_view  # noqa: E402
from generator.loader import load_or_raise  # noqa: E402
from generator.print import typst_compiler  # noqa: E402
from generator.print.publish import write_atomic  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-booklet-") as tmp:
        root = write_corpus(Path(tmp) / "content", args.procedures)
        content, _ = load_or_raise(root)
        t0 = time.perf_counter()
        view = booklet_view(content)
        t1 = time.perf_counter()
        data = typst_compiler.encode(booklet_data(view))
        t2 = time.perf_counter()
        typst_compiler.compiler()  # the font folders are scanned once per process
        t3 = time.perf_counter()
        pdf = typst_compiler.render_json(BOOKLET_TEMPLATE, data, view.changed)
        t4 = time.perf_counter()
        write_atomic(Path(tmp) / "all.pdf", pdf)
        t5 = time.perf_counter()
        pages = typst_compiler.page_count(pdf)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = t5 - t0
    print(f"procedures: {args.procedures}, steps: {sum(len(p.steps) for p in view.procedures)}, pages: {pages}, "
          f"PDF: {len(pdf) / 1e6:.1f} MB, load average: {os.getloadavg()[0]:.2f}")
    print(f"view {t1 - t0:.2f} s | data {t2 - t1:.2f} s | fonts {t3 - t2:.2f} s | layout + PDF {t4 - t3:.2f} s | "
          f"write {t5 - t4:.2f} s | total {total:.2f} s")
    print(f"pages per second: {pages / total:.1f}; peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
