"""Problems as data: every check returns these, the CLI prints them compiler-style."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one place in one file.

    ``message`` is Chinese for the author; ``detail`` is the English field path note
    shown in brackets (``steps[2].title is required``).
    """

    file: str
    line: int
    col: int
    code: str
    message: str
    detail: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """One line, always: editors and scripts read problems line by line."""
        tail = f" ({printable(self.detail)})" if self.detail else ""
        return f"{printable(self.file)}:{self.line}:{self.col}: {self.severity}[{self.code}]: {printable(self.message)}{tail}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


# Control characters (C0, C1), line and paragraph separators and bidirectional overrides: text from
# an input file must not move the cursor, recolour the terminal or reorder what the line shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t", "\x0b": "\\v", "\x0c": "\\f"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def printable(text: str) -> str:
    """Text quoted from input, safe to print on one terminal line: breaks and controls as escapes."""
    return _UNSAFE.sub(_escape, text)


class PlaybookError(Exception):
    """Base of the core's exceptions; carries the problems that caused it."""

    exit_code = 1
    """What the command exits with: 1 for problems in the input, 2 for a usage error."""

    def __init__(self, problems: list[Problem] | None = None, message: str = ""):
        self.problems = sorted(problems or [])
        super().__init__(message or "\n".join(p.format() for p in self.problems))


class ContentError(PlaybookError):
    """Content or input could not be loaded or validated."""


def display_path(path: Path, base: Path | None = None) -> str:
    """Path as the author sees it: relative to the working directory when possible. A file name
    that is not UTF-8 (a zip made on a Chinese Windows PC) keeps its odd bytes visible as ``\\xNN``,
    so messages, the terminal and results.json can hold it."""
    shown = _display_path(os.fspath(path), os.fspath(base) if base is not None else os.getcwd())
    if shown.isascii():
        return shown
    try:
        return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that was not an undecodable byte
        return shown.encode("utf-8", "backslashreplace").decode("utf-8")


@lru_cache(maxsize=65536)
def _display_path(path: str, base: str) -> str:
    # Asked for every content file on every load (and `playbook serve` loads on every save).
    try:  # cheap first (no file-system calls); resolving symlinks only when that fails
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(base)))
    except ValueError:
        pass
    try:
        return str(Path(path).resolve().relative_to(Path(base).resolve()))
    except ValueError:
        return path


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    return any(p.is_error or strict for p in problems)


def print_problems(problems: Sequence[Problem], stream=None) -> None:
    """Each problem as ``file:line:col: error[CODE]: message``, then the count (stderr by default)."""
    stream = stream or sys.stderr
    for p in problems:
        print(p.format(), file=stream)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} 个错误，{warnings} 个警告 ({errors} errors, {warnings} warnings)", file=stream)
