"""`playbook grade`: scans (PDF/JPG/PNG), a Moodle responses export or a hand-filled table ->
results.json, scores.csv, scores.xlsx and review.html in --out (default results/, not in git:
it names people).

Problems with single pages or rows are reported and the rest is still graded; the exit code is
1 when anything was reported as an error, so a script notices.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..problems import ContentError, Problem, display_path
from .model import Results, Trainee

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt", ".tsv")


def load_quiz_dir(folder: Path):
    """quiz-<v>.json (and sheet-<v>.json when there) of every version in a quiz output folder."""
    from ..sheet.grade import QuizSet

    shown = display_path(folder)
    if not folder.is_dir():
        raise ContentError([Problem(shown, 1, 1, "G007", "找不到 --quiz 给出的测验目录", "quiz folder not found")])
    def by_version(pattern: str, what: str) -> dict[str, dict]:
        found = {}
        for path in sorted(folder.glob(pattern)):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                found[data["version"]] = data
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ContentError([Problem(display_path(path), 1, 1, "G007", f"{what}读不了（不是 playbook quiz 写的？）",
                                            f"cannot read {path.name}: {exc}")]) from exc
        return found

    quizzes, layouts = by_version("quiz-*.json", "测验文件"), by_version("sheet-*.json", "答题卡布局文件")
    if not quizzes:
        raise ContentError([Problem(shown, 1, 1, "G007", "测验目录里没有 quiz-*.json；请给 playbook quiz 的输出目录",
                                    "no quiz-*.json in the quiz folder")])
    return QuizSet(quizzes, layouts)


def _write(files: dict[str, bytes], out: Path) -> None:
    """All files or none: written in a temporary folder beside --out, then moved in."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".grading-"))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
            os.chmod(staging / name, 0o600)  # personal data: readable by the owner only
        for name in files:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    from ..cli import print_problems

    quizset = load_quiz_dir(args.quiz)
    problems: list[Problem] = []
    roster_list: list[Trainee] | None = None
    if args.roster is not None:
        from .roster import read_roster

        roster_list, roster_problems = read_roster(args.roster)
        if any(p.is_error for p in roster_problems):
            raise ContentError(roster_problems)
        problems += roster_problems
    roster = {t.id: t for t in roster_list or []}
    scans = [p for p in args.inputs if p.suffix.lower() not in TABLE_SUFFIXES]
    tables = [p for p in args.inputs if p.suffix.lower() in TABLE_SUFFIXES]
    missing = [p for p in args.inputs if not p.is_file()]
    if missing:
        raise ContentError([Problem(display_path(p), 1, 1, "G008", "找不到这个文件", "file not found") for p in missing])

    sheets, pages = [], {}
    if scans:
        if not quizset.layouts:
            raise ContentError([Problem(display_path(args.quiz), 1, 1, "G007",
                                        "测验目录里没有 sheet-*.json：扫描件要用 playbook quiz --format sheet 印的答题卡",
                                        "no sheet layouts in the quiz folder")])
        from ..sheet.grade import grade_scans

        graded, scan_problems = grade_scans(scans, quizset, roster)
        problems += scan_problems
        sheets += [g.sheet for g in graded]
        pages = {(g.sheet.version, g.sheet.serial): g for g in graded}
    for table in tables:
        from .tables import read_table

        read, table_problems = read_table(table, quizset.quizzes, roster_list)
        problems += table_problems
        sheets += read
    if args.corrections is not None:
        from .corrections import apply_corrections, read_corrections

        decisions, correction_problems = read_corrections(args.corrections)
        problems += correction_problems
        sheets, applied = apply_corrections(sheets, decisions, quizset.quizzes, display_path(args.corrections), roster)
        problems += applied

    from ..sheet.review import review_html
    from .outputs import result_files

    ordering = {q["id"] for quiz in quizset.quizzes.values() for q in quiz["questions"] if isinstance(q["answer"], list)}
    files = result_files(Results(sheets), ordering)
    files["review.html"] = review_html(sheets, pages, quizset.quizzes).encode("utf-8")
    print_problems(sorted(problems))
    if not sheets:
        print("没有批改出任何答卷，什么也没写 (nothing graded, nothing written)", file=sys.stderr)
        return 1
    _write(files, args.out)
    flagged = sum(len(s.to_review) for s in sheets)
    passed = sum(s.passed for s in sheets)
    print(f"批改了 {len(sheets)} 份答卷，{passed} 人及格，{flagged} 处待复核 → {args.out}/results.json、scores.xlsx、"
          f"review.html (graded {len(sheets)} sheets, {flagged} marks to review)")
    return 1 if any(p.is_error for p in problems) else 0
