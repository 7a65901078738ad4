"""Write the skeleton: YAML text in memory first, then all files at once (or none)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from ..loader import load_content
from ..problems import Problem, display_path


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key (as in content/), never aliases."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D102
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data) -> bool:  # noqa: D102
        return True


def dump(data: object, header: str = "") -> str:
    """YAML for authors: Chinese kept readable, key order kept, risky scalars (8:30, yes, 2024-01-01) quoted."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=False)
    return (header + body) if header else body


def conflicts(out: Path, files: dict[str, str]) -> list[Problem]:
    """Files that already exist (and would change): each one a problem unless --force."""
    problems = []
    if out.exists() and not out.is_dir():
        return [Problem(display_path(out), 1, 1, "I004", "输出位置已经是一个文件，不是目录", "--out is a file")]
    for rel, text in sorted(files.items()):
        target = out / rel
        if target.exists():
            try:
                if target.read_text(encoding="utf-8") == text:
                    continue
            except (OSError, UnicodeDecodeError):
                pass
            problems.append(Problem(display_path(target), 1, 1, "I005",
                                    "文件已存在，导入不会覆盖它；确认要覆盖请加 --force，或换一个 --out 目录",
                                    "file exists; use --force to overwrite"))
    return problems


def write_all(out: Path, files: dict[str, str], dirs: tuple[str, ...] = (),
              check: Callable[[Path], None] | None = None) -> None:
    """Write into a temporary directory beside `out`, then move into place.

    A fresh `out` appears in one rename; into an existing directory the files are moved one by
    one after all of them were written successfully, so a failure leaves nothing half-written.
    """
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".playbook-import-", dir=parent))
    try:
        for d in dirs:
            (tmp / d).mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if check is not None:
            check(tmp)  # raises to abort: nothing has been moved yet
        if not out.exists():
            os.replace(tmp, out)
            return
        for d in dirs:
            (out / d).mkdir(parents=True, exist_ok=True)
        for rel in sorted(files):
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / rel, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def validate_dir(path: Path) -> list[Problem]:
    """Run the real content checks on what is about to be written."""
    _, problems = load_content(path)
    return [p for p in problems if p.is_error]
