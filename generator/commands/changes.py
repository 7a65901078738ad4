"""`playbook changes`: what changed in the procedures, at the level staff care about."""

from __future__ import annotations

import argparse
import sys

from ..changes import compare, content_at, format_changes, history, in_git, resolve
from ..loader import load_or_raise


def run(args: argparse.Namespace) -> int:
    content, _warnings = load_or_raise(args.content)
    root = content.root
    if args.since:
        commit, name = resolve(root, args.since)
        items = compare(content_at(root, commit) if commit else None, content)
        print(f"自 {name} 以来有变化的流程：{len(items)} 个")
        for line in format_changes(items):
            print(line)
        return 0
    if not in_git(root):
        resolve(root, "HEAD")  # raises H004
    revisions = history(content) or []
    if not revisions:
        print("最近没有流程变化。")
    for rev in revisions:
        print(f"{rev.day}  {rev.rev or '（未提交的修改）'}")
        for line in format_changes(list(rev.procedures)):
            print(line)
    sys.stdout.flush()
    return 0
