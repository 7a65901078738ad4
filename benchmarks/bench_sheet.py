"""Benchmark: printing answer sheets (Typst, ``print/sheet.typ``): a class of 30 named sheets from a
roster (never cached: they carry names) and 30 blank numbered ones, for the shipped quiz.
Prints the time per phase: the sheets' data (the layout, and each copy's QR code made by segno)
and the Typst layout. Goal: 30 named sheets in under 1 s.

    .venv/bin/python benchmarks/bench_sheet.py [--sheets 30] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.print import typst_compiler  # noqa: E402
from generator.quiz.scoring import quiz_fingerprint  # noqa: E402
from generator.sheet.layout import sheet_layout  # noqa: E402
from generator.sheet.render import PRINTED, TYPST_TEMPLATE, Copy, sheet_data, sheet_pdf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    os.environ["PLAYBOOK_CACHE"] = "off"  # blank sheets would otherwise come from the cache after the first run
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "generator.cli", "quiz", str(REPO / "quizzes/new-hire-sales-office.yaml"),
                        "--out", tmp, "--format", "json"], check=True, cwd=REPO, capture_output=True)
        quiz = json.loads((Path(tmp) / "quiz-A.json").read_text(encoding="utf-8"))

    t = time.perf_counter()
    sheet_pdf(sheet_layout(quiz, roster=True, fingerprint=quiz_fingerprint(quiz)), [Copy("001", "学员", "1")])
    print(f"first sheet in this process (compiler and fonts): {time.perf_counter() - t:.2f} s")
    for roster in (True, False):
        layout = sheet_layout(quiz, roster=roster, fingerprint=quiz_fingerprint(quiz))
        copies = [Copy(f"{n:03d}", f"学员{n:02d}", f"{30000 + n}", "万科城") if roster else Copy(f"{n:03d}")
                  for n in range(1, a.sheets + 1)]
        best = {"data (layout + QR codes)": float("inf"), "Typst layout + PDF": float("inf"),
                "sheet_pdf, whole": float("inf")}
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            data = sheet_data(layout, copies)
            t1 = time.perf_counter()
            pdf = typst_compiler.render(TYPST_TEMPLATE, data, PRINTED)
            t2 = time.perf_counter()
            sheet_pdf(layout, copies)
            t3 = time.perf_counter()
            for k, v in zip(best, (t1 - t0, t2 - t1, t3 - t2)):
                best[k] = min(best[k], v)
        print(f"{a.sheets} {'named (roster)' if roster else 'blank numbered'} sheets, "
              f"{typst_compiler.page_count(pdf)} pages, {len(pdf) // 1024} KB (best of {a.repeat}):")
        for k, v in best.items():
            print(f"  {k:26s} {v:6.3f} s")
    print(f"load average: {os.getloadavg()[0]:.1f} — goal: {a.sheets} named sheets in under 1 s")


if __name__ == "__main__":
    main()
