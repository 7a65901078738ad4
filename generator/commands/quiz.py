"""`playbook quiz SPEC.yaml`: papers, answer keys, JSON, Moodle XML, GIFT, Anki deck and coverage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..exports.formats import parse_formats
from ..exports.outputs import render, write
from ..loader import load_or_raise
from ..problems import ContentError, Problem, display_path, print_problems
from ..quiz.assemble import build_quiz
from ..quiz.practice import overlap
from ..quiz.spec import MAX_VERSIONS, load_spec
from ..results.roster import read_roster


def run(args: argparse.Namespace) -> int:
    formats = parse_formats(args.format)
    if isinstance(formats, str):
        print(f"playbook quiz: 用法错误 (usage error): {formats}", file=sys.stderr)
        return 2
    if args.versions is not None and not 1 <= args.versions <= MAX_VERSIONS:
        print(f"playbook quiz: 用法错误 (usage error): --versions 应在 1 到 {MAX_VERSIONS} 之间", file=sys.stderr)
        return 2
    if args.seed is not None and args.seed < 0:
        print("playbook quiz: 用法错误 (usage error): --seed 不能是负数", file=sys.stderr)
        return 2
    if args.sheets is not None and not 1 <= args.sheets <= 500:
        print("playbook quiz: 用法错误 (usage error): --sheets 应在 1 到 500 之间", file=sys.stderr)
        return 2
    spec_path: Path = args.spec
    if not spec_path.is_file():
        raise ContentError([Problem(display_path(spec_path), 1, 1, "Q009", "找不到测验规格文件",
                                    "quiz spec file not found")])
    roster = None
    if args.roster is not None:
        roster, roster_problems = read_roster(args.roster)
        if any(p.is_error for p in roster_problems):
            raise ContentError(roster_problems)
    content, warnings = load_or_raise(args.content)
    spec, problems = load_spec(spec_path, content)
    if spec is None:
        raise ContentError(problems)

    print_problems([p for p in problems if not p.is_error])
    quiz = build_quiz(content, spec, seed=args.seed, versions=args.versions)
    # The coverage report lists this quiz's questions the handbook also shows as practice, as a
    # build's trainers' pack does for the specs beside this one.
    shared = overlap(content, spec_path.parent)
    files = render(quiz, formats, roster=roster, blank_sheets=args.sheets, shared=shared)
    out = args.out if args.out is not None else Path("trainer-pack") / spec.stem
    written = write(files, out)
    print(f"已生成「{spec.title}」{len(quiz.papers)} 套（{'、'.join(quiz.labels)}），每套 {len(quiz.papers[0])} 题，"
          f"{len(written)} 个文件 → {out} (wrote {len(written)} files)")
    return 0
