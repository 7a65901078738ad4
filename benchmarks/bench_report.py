#!/usr/bin/env python3
"""Benchmark: `playbook report` over 1,000 trainees x 50 questions x 4 versions.

    python benchmarks/bench_report.py [--trainees 1000] [--questions 50] [--versions 4]

Questions cite real steps of the shipped content (ids as the quiz families write them); the four
versions draw different questions from a pool of 80 (``variation: draw``), so the statistics run
their missing-question path. Prints the time per phase: the analysis (item statistics, weakest
steps), charts, HTML, XLSX, the class report PDF and the per-trainee PDF (every trainee's page),
laid out by Typst exactly as `playbook report` does (report.render); then the whole command,
`playbook report results.json` in a fresh process (the quizzes beside the results as quiz-<v>.json).
Goal: 20 s in all.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.loader import load_content  # noqa: E402
from generator.quiz.scoring import Results, Trainee, score_sheet, to_json  # noqa: E402
from generator.results import analysis, report  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def quiz_versions(content, questions: int, versions: int, seed: int = 1) -> dict[str, dict]:
    rng = random.Random(seed)
    steps = [(p.id, i) for p in content.procedures.values() for i in range(len(p.steps))]
    rng.shuffle(steps)
    pool = []
    for n, (proc, i) in enumerate(steps[:80]):
        qid = f"step_of_point:{proc}:{i + 1}.{n % 3 + 1}"
        title = content.procedures[proc].title
        pool.append({"id": qid, "type": "step_of_point", "prompt": f"在《{title}》中，这个做法是哪一步的做法？（{n}）",
                     "options": [f"选项{n}-{k}" for k in range(4)], "answer": rng.randrange(4),
                     "explanation": f"见第 {i + 1} 步。", "source": proc})
    out = {}
    for v in range(versions):
        label = "ABCDEFGH"[v]
        picked = [pool[(v * questions // 2 + k) % len(pool)] for k in range(questions)]
        out[label] = {"title": "基准测验", "version": label, "seed": seed, "spec": "bench", "pass_mark": 80,
                      "questions": picked}
    return out


def sheets_for(quizzes: dict[str, dict], n: int, seed: int = 2):
    rng = random.Random(seed)
    labels = sorted(quizzes)
    out = []
    for i in range(n):
        quiz = quizzes[labels[i % len(labels)]]
        skill = rng.uniform(0.3, 0.95)
        chosen = {q["id"]: [q["answer"] if rng.random() < skill else rng.randrange(4)] for q in quiz["questions"]
                  if rng.random() > 0.03}
        out.append(score_sheet(quiz, chosen, {}, serial=str(i), trainee=Trainee(f"学员{i:04d}", f"E{i:04d}",
                                                                                f"{i % 12 + 1}店", "置业顾问")))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainees", type=int, default=1000)
    ap.add_argument("--questions", type=int, default=50)
    ap.add_argument("--versions", type=int, default=4)
    a = ap.parse_args()
    content, _ = load_content(REPO / "content")
    quizzes = quiz_versions(content, a.questions, a.versions)
    sheets = sheets_for(quizzes, a.trainees)
    print(f"{a.trainees} 人 × {a.questions} 题 × {a.versions} 卷")
    t0 = time.perf_counter()
    data = analysis.analyse(sheets, {"bench": quizzes}, content)
    t_an = time.perf_counter() - t0
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    files = report.render(data, timings=timings)
    t_render = time.perf_counter() - t0
    rows = [("analysis (statistics, weakest steps)", t_an), ("charts (3 SVG)", timings.get("charts", 0)),
            ("HTML (report + trainees)", timings.get("html", 0)), ("XLSX", timings.get("xlsx", 0)),
            ("report.pdf (class report, Typst)", timings.get("report.pdf", 0)),
            (f"trainees.pdf ({a.trainees} trainees, Typst)", timings.get("trainees.pdf", 0))]
    for name, t in rows:
        print(f"  {name:58s} {t:8.2f} s")
    without_pdf = t_an + t_render - timings.get("report.pdf", 0) - timings.get("trainees.pdf", 0)
    print(f"  {'total without PDFs':58s} {without_pdf:8.2f} s")
    print(f"  {'total with PDFs':58s} {t_an + t_render:8.2f} s")
    print(f"  outputs: {', '.join(f'{k} {len(v) // 1024} KB' for k, v in files.items())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "results.json").write_bytes(to_json(Results(sheets)))
        for label, quiz in quizzes.items():
            (folder / f"quiz-{label}.json").write_text(json.dumps(quiz, ensure_ascii=False), encoding="utf-8")
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "generator.cli", "report", str(folder / "results.json"), "--out",
                              str(folder / "report")], cwd=REPO, capture_output=True, text=True)
        t_cli = time.perf_counter() - t0
        if run.returncode != 0:
            sys.exit(f"playbook report failed:\n{run.stderr}")
    print(f"  {'playbook report (whole command, fresh process)':58s} {t_cli:8.2f} s")


if __name__ == "__main__":
    main()
