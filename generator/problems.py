"""Problems as data: every check returns these, the CLI prints them compiler-style."""

from __future__ import annotations

import os
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
        tail = f" ({_one_line(self.detail)})" if self.detail else ""
        return f"{_one_line(self.file)}:{self.line}:{self.col}: {self.severity}[{self.code}]: {_one_line(self.message)}{tail}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


_LINE_BREAKS = str.maketrans({"\r": "\\r", "\n": "\\n", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029",
                              "\x0b": "\\v", "\x0c": "\\f", "\x1c": "\\x1c", "\x1d": "\\x1d", "\x1e": "\\x1e"})


def _one_line(text: str) -> str:
    """Quoted author text may span lines; show the breaks as escapes instead."""
    return text.translate(_LINE_BREAKS)


class PlaybookError(Exception):
    """Base of the core's exceptions; carries the problems that caused it."""

    def __init__(self, problems: list[Problem] | None = None, message: str = ""):
        self.problems = sorted(problems or [])
        super().__init__(message or "\n".join(p.format() for p in self.problems))


class ContentError(PlaybookError):
    """Content or input could not be loaded or validated."""


def display_path(path: Path, base: Path | None = None) -> str:
    """Path as the author sees it: relative to the working directory when possible."""
    return _display_path(os.fspath(path), os.fspath(base) if base is not None else os.getcwd())


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
