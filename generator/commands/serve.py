"""`playbook serve`: the live preview (the handbook only, never the trainers' pack)."""

from __future__ import annotations

import argparse

from mkdocs.exceptions import Abort, ConfigurationError

from ..handbook.serve import serve
from ..loader import load_or_raise
from .build import config_problem, quiet_logging


def run(args: argparse.Namespace) -> int:
    if not args.config.is_file():
        raise config_problem(args.config, f"找不到 MkDocs 配置文件 `{args.config}`")
    load_or_raise(args.content)
    quiet_logging()
    try:
        serve(config_file=str(args.config), dev_addr=args.dev_addr, docs_dir=str(args.content.resolve()),
              poll=args.poll)
    except (Abort, ConfigurationError) as exc:
        raise config_problem(args.config, f"预览服务器无法启动：{exc}") from exc
    return 0
