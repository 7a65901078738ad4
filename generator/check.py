"""`playbook check`: validate everything and print every problem."""

from __future__ import annotations

import argparse
import sys

from .loader import load_content
from .problems import has_errors


def run(args: argparse.Namespace) -> int:
    from .cli import print_problems

    content, problems = load_content(args.content)
    print_problems(problems)
    if has_errors(problems, strict=args.strict):
        return 1
    print(f"检查通过：{len(content.procedures)} 个流程，{len(content.phrases)} 条规范用语，"
          f"{len(content.scenarios)} 个情景/案例，{len(content.glossary)} 个术语，{len(content.roles)} 个岗位 "
          f"(check passed)", file=sys.stdout)
    return 0
