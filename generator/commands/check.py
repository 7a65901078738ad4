"""`playbook check`: validate content and quiz specs, print every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..content import Content
from ..loader import load_content
from ..problems import Problem, has_errors, print_problems
from ..quiz.practice import overlap_problems
from ..quiz.spec import load_spec, spec_files


def check_specs(quizzes_dir: Path, content: Content, base: Path | None = None) -> list[Problem]:
    """Every problem in every spec (never raises for bad specs), and the exam questions the
    handbook also shows as practice (of the specs that load cleanly)."""
    problems: list[Problem] = []
    for path in spec_files(quizzes_dir):
        problems += load_spec(path, content, base)[1]
    problems += overlap_problems(content, quizzes_dir, base)
    return sorted(set(problems))


def run(args: argparse.Namespace) -> int:
    content, problems = load_content(args.content)
    specs = 0
    quizzes = getattr(args, "quizzes", None) or args.content.resolve().parent / "quizzes"
    # Specs refer to content ids: check them only against content that loaded cleanly.
    if quizzes.is_dir() and not has_errors(problems):
        problems = sorted(set(problems + check_specs(quizzes, content)))
        specs = len(spec_files(quizzes))
    print_problems(problems)
    if has_errors(problems, strict=args.strict):
        return 1
    print(f"检查通过：{len(content.procedures)} 个流程，{len(content.phrases)} 条规范用语，"
          f"{len(content.scenarios)} 个情景/案例，{len(content.glossary)} 个术语，{len(content.roles)} 个岗位，"
          f"{specs} 份测验规格 (check passed)", file=sys.stdout)
    return 0
