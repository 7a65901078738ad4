"""`playbook grade`: scans (PDF/JPG/PNG), a Moodle responses export or a hand-filled table ->
results.json, scores.csv, scores.xlsx and review.html in --out (default results/, not in git:
it names people).

Problems with single pages or rows are reported and the rest is still graded; the exit code is
1 when anything was reported as an error, so a script notices.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..output_folder import OutputRefused, Unmarked, publish, refusals
from ..problems import ContentError, Problem, display_path, print_problems, printable
from ..quiz.scoring import Results, Trainee
from ..results.corrections import apply_corrections, read_corrections
from ..results.inputs import read_quiz_folder
from ..results.result_files import result_files
from ..results.roster import read_roster
from ..results.tables import OTHER_SPREADSHEETS, TABLE_SUFFIXES, read_tables, trainee_key
from ..sheet.grade import QuizSet, grade_scans
from ..sheet.review import review_html

EARLIER_OUTPUT = Unmarked(frozenset({"results.json", "scores.csv", "scores.xlsx", "review.html"}), {"report": None})
"""What grade wrote into results/ before output folders were marked (report's own folder inside)."""


def load_quiz_dir(folder: Path):
    """quiz-<v>.json (and sheet-<v>.json when there) of every version in a quiz output folder, each
    read through the schema and checked against the others (inputs.read_quiz_folder); any problem
    is an error (G007) naming the file, line and field: nothing is graded against a doubtful quiz."""

    shown = display_path(folder)
    if not folder.is_dir():
        raise ContentError([Problem(shown, 1, 1, "G007", "找不到 --quiz 给出的测验目录", "quiz folder not found")])
    quizzes, layouts, problems = read_quiz_folder(folder)
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    if not quizzes:
        raise ContentError([Problem(shown, 1, 1, "G007", "测验目录里没有 quiz-*.json；请给 playbook quiz 的输出目录",
                                    "no quiz-*.json in the quiz folder")])
    return QuizSet(quizzes, layouts)


def _write(files: dict[str, bytes], out: Path) -> None:
    """All files or none, into a folder of grade's own output: new, or holding its earlier output
    (a trainer's other files there stay); 0600/0700, never inside the site or the content."""
    publish(out, "grade", files, unmarked=EARLIER_OUTPUT)


def run(args: argparse.Namespace) -> int:
    refused = refusals(args.out, "grade", unmarked=EARLIER_OUTPUT)
    if refused:  # a usage error, before anything slow
        raise OutputRefused(refused)
    quizset = load_quiz_dir(args.quiz)
    problems: list[Problem] = []
    roster_list: list[Trainee] | None = None
    if args.roster is not None:
        roster_list, roster_problems = read_roster(args.roster)
        if any(p.is_error for p in roster_problems):
            raise ContentError(roster_problems)
        problems += roster_problems
    roster = {t.id: t for t in roster_list or []}
    as_table = (*TABLE_SUFFIXES, *OTHER_SPREADSHEETS)  # a spreadsheet not read is said so as a table
    scans = [p for p in args.inputs if p.suffix.lower() not in as_table]
    tables = [p for p in args.inputs if p.suffix.lower() in as_table]
    missing = [p for p in args.inputs if not p.is_file()]
    if missing:
        raise ContentError([Problem(display_path(p), 1, 1, "G008", "找不到这个文件", "file not found") for p in missing])

    sheets, pages = [], {}
    if scans:
        if not quizset.layouts:
            raise ContentError([Problem(display_path(args.quiz), 1, 1, "G007",
                                        "测验目录里没有 sheet-*.json：扫描件要用 playbook quiz --format sheet 印的答题卡",
                                        "no sheet layouts in the quiz folder")])

        graded, scan_problems = grade_scans(scans, quizset, roster)
        problems += scan_problems
        sheets += [g.sheet for g in graded]
        pages = {(g.sheet.version, g.sheet.serial): g for g in graded}
    if tables:
        graded_by = {trainee_key(s.quiz, s.trainee): s.source for s in sheets if s.trainee.id or s.trainee.name}
        answers = read_tables(tables, quizset.quizzes, roster_list, graded_by)
        problems += answers.problems
        sheets += answers.sheets
        for note in answers.notes:
            print(printable(note))
    if args.corrections is not None:
        decisions, correction_problems = read_corrections(args.corrections)
        problems += correction_problems
        sheets, applied = apply_corrections(sheets, decisions, quizset.quizzes, display_path(args.corrections), roster)
        problems += applied

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
    print(f"批改了 {len(sheets)} 份答卷，{passed} 人及格，{flagged} 处待复核 → {display_path(args.out)}/results.json、scores.xlsx、"
          f"review.html (graded {len(sheets)} sheets, {flagged} marks to review)")
    return 1 if any(p.is_error for p in problems) else 0
