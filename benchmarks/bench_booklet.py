"""Benchmark: one booklet holding every procedure (``playbook booklet --all``) at N procedures.

    python benchmarks/bench_booklet.py [--procedures 500]

Generates content with benchmarks/corpus.py in a temporary directory, loads it with the real
loader and prints, per phase, the time taken: building the view (versions included), rendering the
HTML, laying it out with WeasyPrint, writing the PDF; then pages per second and peak memory
(max RSS of this process). Figures, not a timed test: run it on a quiet machine.
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

from generator import printing  # noqa: E402
from generator.booklet.render import TEMPLATES, booklet_html  # noqa: E402
from generator.booklet.view import booklet_view  # noqa: E402
from generator.loader import load_or_raise  # noqa: E402


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
        html = booklet_html(view)
        t2 = time.perf_counter()
        document = printing.render(html, TEMPLATES)
        t3 = time.perf_counter()
        data = document.write_pdf()
        t4 = time.perf_counter()
        printing.write_atomic(Path(tmp) / "all.pdf", data)
        pages = len(document.pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = t4 - t0
    print(f"procedures: {args.procedures}, steps: {sum(len(p.steps) for p in view.procedures)}, pages: {pages}, "
          f"PDF: {len(data) / 1e6:.1f} MB, load average: {os.getloadavg()[0]:.2f}")
    print(f"view {t1 - t0:.2f} s | HTML {t2 - t1:.2f} s | layout {t3 - t2:.2f} s | write PDF {t4 - t3:.2f} s | "
          f"total {total:.2f} s")
    print(f"pages per second: {pages / total:.1f}; peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
