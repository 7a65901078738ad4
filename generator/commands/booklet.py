"""`playbook booklet [--role ID|--domain ID|--all] [--out FILE] [--sign [--since REV|DATE]]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..booklet.render import write_booklet, write_signoff
from ..loader import load_or_raise
from ..problems import display_path


def run(args: argparse.Namespace) -> int:
    content, warnings = load_or_raise(args.content)
    if warnings:
        print(f"内容有 {len(warnings)} 个警告，不影响手册；运行 `playbook check` 查看 "
              f"({len(warnings)} content warnings)", file=sys.stderr)
    role = args.role
    domain = args.domain
    stem = f"role-{role}" if role else f"domain-{domain}" if domain else "all"
    if args.sign:
        out = args.out or Path(f"{stem}-sign.pdf")
        pages = write_signoff(content, out, role, domain, args.since)
        print(display_path(out))
        print(f"已生成阅读确认单（{pages} 页）：{display_path(out)}", file=sys.stderr)
    else:
        out = args.out or Path(f"booklet-{stem}.pdf")
        pages = write_booklet(content, out, role, domain)
        print(display_path(out))
        print(f"已生成岗位手册（{pages} 页）：{display_path(out)}", file=sys.stderr)
    return 0
