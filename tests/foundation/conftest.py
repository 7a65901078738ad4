"""Helpers for the foundation tests: fixture cases built in a temp folder, and folder snapshots.

A case is ``fixtures/<case>/``: its ``content/`` is laid over ``fixtures/_base/content`` (a small
valid project) and ``expected.txt`` lists every problem ``playbook check`` must report, one per line:

    content/roles.yaml:2:9: error[Y011] | GBK | !UTF-16

i.e. the ``path:line:col: severity[CODE]`` head of the printed line, then ``|``-separated words the
whole line must contain (``!word``: must not contain).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"
BASE = FIXTURES / "_base"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))

PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<severity>error|warning)\[(?P<code>[A-Z]\d{3})\]: "
    r"(?P<message>\S.*?)(?: \((?P<detail>[^()]*(?:\([^()]*\)[^()]*)*)\))?$")
SUMMARY_LINE = re.compile(r"^\d+ 个错误，\d+ 个警告 \(\d+ errors, \d+ warnings\)$")


@dataclass(frozen=True)
class Expected:
    head: str
    needles: tuple[str, ...]

    def check(self, line: str) -> None:
        for needle in self.needles:
            if needle.startswith("!"):
                assert needle[1:] not in line, f"{needle[1:]!r} must not appear in: {line}"
            else:
                assert needle in line, f"{needle!r} missing from: {line}"


def expected_for(case: str) -> list[Expected]:
    out = []
    for raw in (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if raw.strip():
            head, *needles = [part.strip() for part in raw.split(" | ")]
            out.append(Expected(head, tuple(needles)))
    return out


def head_of(formatted: str) -> str:
    """'path:1:2: error[Y001]: message (detail)' -> 'path:1:2: error[Y001]'."""
    return formatted.split("]: ", 1)[0] + "]"


def build_case(case: str, dest: Path) -> Path:
    """Base content with the case's files laid over it, in ``dest``; returns ``dest``."""
    shutil.copytree(BASE, dest, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / case, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return dest


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and folder under root: relative path -> (sha256, size, mtime_ns)."""
    snap: dict[str, tuple[str, int, int]] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        snap[path.relative_to(root).as_posix()] = (digest, st.st_size, st.st_mtime_ns)
    return snap


@pytest.fixture
def case_dir(tmp_path: Path):
    def make(case: str) -> Path:
        return build_case(case, tmp_path / case)
    return make


@pytest.fixture(scope="session")
def fx():
    """This module's helpers (test modules cannot import conftest under --import-mode=importlib)."""
    import types

    return types.SimpleNamespace(**globals())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES)
