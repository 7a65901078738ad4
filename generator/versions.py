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

from .checklist.view import _digest, procedure_files
from .dates import _git_dates, last_changed, resolved
from .loader import Content


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


def procedure_versions(content: Content, ids: list[str] | None = None) -> dict[str, Version]:
    """procedure id -> its version, for the given ids (all when None). Asks git once."""
    ids = list(content.procedures) if ids is None else ids
    files = procedure_files(content)
    wanted = [f for pid in ids for f in files[pid]]
    dates = last_changed(content.root, wanted)
    info = _git_dates(content.root) if content.root.is_dir() else None
    result = {}
    for pid in ids:
        mine = [resolved(f) for f in files[pid]]
        committed = info is not None and all(f in info[1] and f not in info[2] for f in mine)
        result[pid] = Version(max(dates[f] for f in mine), _digest(content, content.procedures[pid]), committed)
    return result


def fingerprint(versions: list[Version]) -> str:
    """One short fingerprint of a set of procedure versions (a booklet, a read-and-sign sheet)."""
    h = hashlib.sha256("\n".join(v.digest for v in versions).encode())
    return h.hexdigest()[:8]
