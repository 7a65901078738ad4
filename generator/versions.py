"""Every procedure's version, as a person reads it: the date its content last changed plus a short
fingerprint of what is printed (``2024-05-01 · 1a2b3c4d``).

The date is the last git commit of the procedure's file and of the phrase files it uses; content
outside git (or changed since the last commit) falls back to the files' modification time and
says so. The fingerprint is the checklist's: the same procedure shows the same version on its
page, its checklist, its booklet and the read-and-sign sheet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from .checklist.view import _digest, procedure_sources
from .content import Content
from .dates import _git_dates, changed_dates, resolved
from .problems import display_path


@dataclass(frozen=True)
class Version:
    """One procedure's version."""

    changed: datetime
    """When its content last changed (commit date, else file modification time)."""
    digest: str
    """Eight hex digits of everything printed for it."""
    committed: bool
    """False when the date is a file time: content outside git, or edited since the last commit."""

    @property
    def date(self) -> str:
        return self.changed.date().isoformat()

    @property
    def label(self) -> str:
        return f"{self.date} · {self.digest}"

    @property
    def note(self) -> str:
        """Why the date may not be a release date (empty when it is a commit date)."""
        return "" if self.committed else "未提交到 git，日期取自文件修改时间"


class VersionBook:
    """Versions looked up one procedure at a time, git asked once: the handbook plans every page but
    `playbook serve` renders first only the page that changed."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._info = _git_dates(content.root) if content.root.is_dir() else None
        self._by_shown = {display_path(f): f for f in content.files}
        self._known: dict[str, Version] = {}

    def __getitem__(self, pid: str) -> Version:
        known = self._known.get(pid)
        if known is None:
            mine = procedure_sources(self.content, self.content.procedures[pid], self._by_shown)
            dates = changed_dates(self._info, mine)
            committed = self._info is not None and all(
                resolved(f) in self._info[1] and resolved(f) not in self._info[2] for f in mine)
            known = self._known[pid] = Version(max(dates.values()), _digest(self.content, self.content.procedures[pid]),
                                               committed)
        return known


def procedure_versions(content: Content, ids: list[str] | None = None) -> dict[str, Version]:
    """procedure id -> its version, for the given ids (all when None). Asks git once."""
    book = VersionBook(content)
    return {pid: book[pid] for pid in (list(content.procedures) if ids is None else ids)}


def fingerprint(versions: list[Version]) -> str:
    """One short fingerprint of a set of procedure versions (a booklet, a read-and-sign sheet)."""
    h = hashlib.sha256("\n".join(v.digest for v in versions).encode())
    return h.hexdigest()[:8]
