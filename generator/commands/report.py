"""`playbook report RESULTS... [--out DIR] [--redrill] [--retire]`: scores, item analysis, weakest steps.

Reads only the results files named and the content/quiz specs; writes only into ``--out``
(default results/report, git-ignored: it holds names and scores) through a temporary folder and one
rename, with ``--redrill`` one spec into the quizzes folder, with ``--retire`` the spec's ``exclude:`` (a
backup beside it). Never into the site.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from ..loader import load_or_raise
from ..output_folder import OutputRefused, Unmarked, publish, refusals
from ..print.publish import write_atomic
from ..problems import ContentError, Problem, display_path, print_problems, printable
from ..quiz.assemble import build_quiz
from ..quiz.scoring import Sheet, quiz_fingerprint
from ..quiz.spec import load_spec
from ..results import report
from ..results.analysis import analyse
from ..results.inputs import MAX_RESULTS_BYTES, check_sheets, duplicate_sheets, read_quiz_json, read_results
from ..results.recommend import MIN_RESPONSES
from ..results.redrill import prepare_redrill
from ..results.retire import retire_tests

EARLIER_OUTPUT = Unmarked(frozenset({"report.html", "report.pdf", "report.xlsx", "trainees.html", "trainees.pdf"}),
                          {"charts": ".svg"})
"""What report wrote before output folders were marked."""

def load_results(paths: list[Path]) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of every results file, each read through the schema (inputs.read_results): a bad
    field is an error at its line and that sheet is left out; the other sheets are read. A file given
    twice counts once (T017, a warning); one person with two sheets of a test is an error (T005)."""

    sheets: list[Sheet] = []
    problems: list[Problem] = []
    digests: dict[str, str] = {}
    for path in paths:
        digest = _digest(path)
        if digest in digests:  # the same file twice (or a copy): counted once, said so
            problems.append(Problem(display_path(path), 1, 1, "T017", f"这个文件和 {digests[digest]} 一模一样，没有再算一次",
                                    "the same file was given twice", "warning"))
            continue
        if digest:
            digests[digest] = display_path(path)
        got, found = read_results(path)
        problems += found
        if not got and not any(p.is_error for p in found):
            problems.append(Problem(display_path(path), 1, 1, "T102", "成绩文件里一份答卷也没有", "no sheets"))
        sheets += got
    return sheets, problems + duplicate_sheets(sheets)


def _digest(path: Path) -> str:
    """The file's content hash, "" when it cannot be read or is too big (read_results says why)."""
    try:
        if path.is_file() and path.stat().st_size <= MAX_RESULTS_BYTES:
            return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        pass
    return ""


def check_out(out: Path, content: Path) -> list[Problem]:
    """The output folder: new or holding an earlier report (recognised by its marker), and never the
    site or the content (personal data). Checked before the slow work; :func:`write_tree` checks again."""
    return refusals(out, "report", content=content, unmarked=EARLIER_OUTPUT)


def quizzes_for(sheets: list[Sheet], content, quizzes_dir: Path, results: list[Path]) -> tuple[dict, dict, list[Problem]]:
    """spec -> version -> the quiz JSON the sheets were graded against (by fingerprint), rebuilt from
    its spec or read from a quiz-<version>.json beside a results file; and spec -> QuizSpec."""
    from dataclasses import replace

    wanted: dict[str, dict[str, str]] = {}
    for s in sheets:
        wanted.setdefault(s.quiz, {}).setdefault(s.version, s.fingerprint)
    found: dict[str, dict[str, dict]] = {}
    specs = {}
    problems: list[Problem] = []
    candidates: list[dict] = []
    seen: set[Path] = set()
    for r in results:
        for p in sorted(r.parent.glob("quiz-*.json")):
            if p.resolve() in seen:
                continue
            seen.add(p.resolve())
            quiz, bad = read_quiz_json(p)
            if quiz is not None:
                candidates.append(quiz)
            # a broken quiz file beside the results is not used, and said so (a warning: the rest reports)
            problems += [replace(x, severity="warning", message=f"{x.message}（这个测验文件没有用上）") for x in bad]
    for stem, versions in sorted(wanted.items()):
        spec_path = quizzes_dir / f"{stem}.yaml"
        if content is not None and stem and spec_path.is_file():
            spec, _ = load_spec(spec_path, content)
            if spec is not None:
                specs[stem] = spec
                need = max(ord(v) - ord("A") + 1 for v in versions if len(v) == 1 and v.isalpha()) if any(
                    len(v) == 1 and v.isalpha() for v in versions) else spec.versions
                quiz = build_quiz(content, spec, versions=max(need, spec.versions))
                for i, label in enumerate(quiz.labels):
                    data = quiz.to_json(i)
                    if label in versions and quiz_fingerprint(data) == versions[label]:
                        found.setdefault(stem, {})[label] = data
        for data in candidates:
            v = data.get("version")
            if data.get("spec") == stem and v in versions and v not in found.get(stem, {}):
                if quiz_fingerprint(data) == versions[v]:
                    found.setdefault(stem, {})[v] = data
        missing = sorted(set(versions) - set(found.get(stem, {})))
        if missing:
            problems.append(Problem(display_path(spec_path), 1, 1, "T104",
                                    f"找不到出「{stem}」{'、'.join(missing)} 卷时的试卷（规格或内容改过）；这些卷的题目文字和选项分析从略",
                                    "quiz not found or changed since grading", "warning"))
    problems += check_sheets(sheets, found)
    return found, specs, problems


def write_tree(files: dict[str, bytes], out: Path, content: Path | None = None) -> None:
    """All files or none into ``out`` (subfolders such as charts/ too): only our own files are
    swapped in, the ones the last report wrote and this one does not are removed, a trainer's other
    files stay; a failure leaves the previous report as it was. 0600 files, 0700 folders."""
    publish(out, "report", files, content=content, unmarked=EARLIER_OUTPUT)


def run(args: argparse.Namespace) -> int:
    least = MIN_RESPONSES if args.min_responses is None else args.min_responses
    if least < 1:  # a usage error, before anything is read
        print("playbook report: 用法错误 (usage error): --min-responses 至少是 1", file=sys.stderr)
        return 2
    sheets, problems = load_results(list(args.results))
    refused = check_out(args.out, args.content)
    if refused:  # a usage error, before anything slow
        raise OutputRefused(problems + refused)
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    if not sheets:
        raise ContentError([Problem(display_path(args.results[0]), 1, 1, "T102", "成绩文件里一份答卷也没有", "no sheets")])
    content = None
    if args.content.is_dir():
        content, _warnings = load_or_raise(args.content)
    found, specs, more = quizzes_for(sheets, content, args.quizzes, list(args.results))
    problems += more
    if any(p.is_error for p in problems):  # answers that disagree with their own quiz
        raise ContentError(problems)
    if args.retire and content is None:
        raise ContentError([Problem(display_path(args.content), 1, 1, "T105", "排除坏题（--retire）需要内容目录（--content）",
                                    "content directory missing")])
    data = analyse(sheets, found, content, least)
    drills: list[tuple[Path, bytes]] = []
    if args.redrill:  # checked before anything is written

        if content is None:
            raise ContentError([Problem(display_path(args.content), 1, 1, "T105", "出复习测验需要内容目录（--content）",
                                        "content directory missing")])
        drills = [prepare_redrill(t, specs.get(t.spec), content, args.quizzes) for t in data.tests]
    files = report.render(data)
    write_tree(files, args.out, args.content)
    print_problems(problems)
    for t in data.tests:
        weakest = t.weakest_steps[0].label if t.weakest_steps else "—"
        print(printable(f"「{t.title}」{t.n} 份答卷，平均 {t.describe['mean']:.1f} 分，及格 {t.pass_rate * 100:.0f}%；"
                        f"最薄弱的步骤：{weakest}"))  # the title comes from results.json: escaped
    print(f"报告 → {display_path(args.out)}（report.html、report.pdf、trainees.pdf、report.xlsx；含个人信息，勿放进网站）"
          f" (wrote {len(files)} files)")
    if drills:
        for path, blob in drills:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, blob)
            print(f"复习测验规格 → {display_path(path)}；出卷：playbook quiz {display_path(path)}")
    if args.retire:
        for line in retire_tests(data.tests, specs, content, args.quizzes):
            print(printable(line))
    sys.stdout.flush()
    return 0
