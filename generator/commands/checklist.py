"""`playbook checklist [PROCEDURE_ID ...] [--content DIR] [--out DIR] [--size a4|a6]`."""

from __future__ import annotations

import argparse
import sys

from ..checklist.render import render_checklists
from ..loader import load_or_raise
from ..problems import display_path


def run(args: argparse.Namespace) -> int:
    content, warnings = load_or_raise(args.content)
    if warnings:
        print(f"内容有 {len(warnings)} 个警告，不影响检查表；运行 `playbook check` 查看 "
              f"({len(warnings)} content warnings)", file=sys.stderr)
    written = render_checklists(content, list(args.procedures) or None, args.size, args.out, args.content)
    for path in written:
        print(display_path(path))
    kind = "A4 检查表" if args.size == "a4" else "A6 柜台卡"
    print(f"已生成 {len(written)} 个{kind} PDF：{display_path(args.out)}", file=sys.stderr)
    return 0
