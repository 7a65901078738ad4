"""Grading speed: a class of 30 answer sheets scanned at 200 dpi into one PDF, graded by the real
`playbook grade` pipeline; prints sheets per second and where the time goes. Goal: < 10 s.

    .venv/bin/python benchmarks/bench_grade.py
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "sheet"))

from PIL import Image  # noqa: E402
from synth import distort, fill, rasterise  # noqa: E402

from generator.sheet import grade, read, scan  # noqa: E402
from generator.sheet.grade import QuizSet  # noqa: E402

DPI = 200
SHEETS = 30


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "quiz"
        subprocess.run([sys.executable, "-m", "generator.cli", "quiz", str(REPO / "quizzes/new-hire-sales-office.yaml"),
                        "--out", str(out), "--format", "json,sheet", "--sheets", str(SHEETS // 2)],
                       check=True, cwd=REPO, capture_output=True)
        pages = []
        rng = random.Random(1)
        for v in ("A", "B"):
            layout = json.loads((out / f"sheet-{v}.json").read_text(encoding="utf-8"))
            pdf = (out / f"sheet-{v}.pdf").read_bytes()
            for p in range(SHEETS // 2):
                img = rasterise(pdf, DPI, p)
                fill(img, DPI, layout, rng, staff_id=str(10000 + len(pages)))
                pages.append(Image.fromarray(distort(img, rng, angle=rng.uniform(-2, 2), noise=4.0)))
        stack = Path(tmp) / "class.pdf"
        pages[0].save(stack, save_all=True, append_images=pages[1:], resolution=DPI)

        quizzes = {v: json.loads((out / f"quiz-{v}.json").read_text(encoding="utf-8")) for v in ("A", "B")}
        layouts = {v: json.loads((out / f"sheet-{v}.json").read_text(encoding="utf-8")) for v in ("A", "B")}
        qs = QuizSet(quizzes, layouts)

        # phase by phase, in process
        phases: dict[str, float] = defaultdict(float)
        t0 = time.perf_counter()
        for page in scan.pages(stack, "class.pdf"):
            t = time.perf_counter()
            phases["rasterise PDF page (PDFium)"] += t - t0
            markers = scan.find_markers(page.pixels)
            t1 = time.perf_counter()
            phases["find markers (ArUco)"] += t1 - t
            straight = scan.straighten(page.pixels, markers)
            t2 = time.perf_counter()
            phases["straighten (homography + warp)"] += t2 - t1
            scan.read_qr(straight)
            t3 = time.perf_counter()
            phases["read QR (zxing-cpp)"] += t3 - t2
            dark = scan.darkness(straight)
            t4 = time.perf_counter()
            phases["light correction"] += t4 - t3
            read.read_sheet(dark, layouts["A"])
            t5 = time.perf_counter()
            phases["judge bubbles"] += t5 - t4
            t0 = time.perf_counter()
        total = sum(phases.values())
        graded, problems = grade.grade_scans([stack], qs, {})
        assert len(graded) == SHEETS and not problems, problems

        # the whole command, as a trainer runs it
        t = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "generator.cli", "grade", str(stack), "--quiz", str(out),
                              "--out", str(Path(tmp) / "results")], cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - t
        assert run.returncode == 0, run.stderr

    print(f"{SHEETS} sheets at {DPI} dpi in one scanned PDF")
    print(f"  pipeline in process: {total:.2f} s  ({SHEETS / total:.1f} sheets/s)")
    for name, secs in sorted(phases.items(), key=lambda kv: -kv[1]):
        print(f"    {name:34s} {secs:6.2f} s  {100 * secs / total:5.1f}%")
    print(f"  playbook grade, whole command (start-up, review.html, xlsx included): {wall:.2f} s "
          f"({SHEETS / wall:.1f} sheets/s) — goal: a class of 30 in under 10 s")


if __name__ == "__main__":
    main()
