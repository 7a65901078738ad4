"""What a checklist shows, taken from the validated model (templates never see raw YAML)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..content import Content
from ..dates import last_changed, resolved
from ..model import InlinePhrase, Procedure
from ..problems import display_path

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class PhraseView:
    text: str
    when: str


@dataclass(frozen=True)
class StepView:
    number: int
    title: str
    points: tuple[str, ...]
    phrases: tuple[PhraseView, ...]
    must: tuple[str, ...]
    never: tuple[str, ...]
    timing: tuple[str, ...]
    internal: bool


@dataclass(frozen=True)
class ChecklistView:
    id: str
    title: str
    summary: str
    roles: tuple[str, ...]
    domain: str
    daily: bool
    steps: tuple[StepView, ...]
    must: tuple[str, ...]
    never: tuple[str, ...]
    notes: tuple[str, ...]
    changed: datetime
    digest: str

    @property
    def date(self) -> str:
        return self.changed.date().isoformat()

    @property
    def role_line(self) -> str:
        return "、".join(self.roles) or "全体"

    @property
    def running(self) -> str:
        """The header repeated on continuation pages."""
        return f"{self.title}（续） · {self.role_line} · 版本 {self.date}"


def step_phrases(content: Content, uses: list, step_title: str) -> tuple[PhraseView, ...]:
    """The 规范用语 of a step as printed (inline ones take the step as their situation)."""
    out = []
    for use in uses:
        if isinstance(use, InlinePhrase):
            out.append(PhraseView(use.text, use.when or step_title))
        else:  # a phrase id; the loader has checked that it exists
            phrase = content.phrases[use]
            out.append(PhraseView(phrase.text, phrase.when))
    return tuple(out)


def _digest(content: Content, proc: Procedure) -> str:
    """A short fingerprint of everything printed, so two printouts can be told apart."""
    h = hashlib.sha256(proc.model_dump_json().encode())
    for step in proc.steps:
        for use in step.phrases:
            if isinstance(use, str):
                h.update(json.dumps([use, content.phrases[use].text, content.phrases[use].when]).encode())
    for rid in proc.roles:
        if rid in content.roles:
            h.update(content.roles[rid].name.encode())
    return h.hexdigest()[:8]


def procedure_files(content: Content) -> dict[str, list[Path]]:
    """procedure id -> the files its checklist is printed from (its own and its phrases')."""
    by_shown = {display_path(f): f for f in content.files}
    return {pid: procedure_sources(content, proc, by_shown) for pid, proc in content.procedures.items()}


def procedure_sources(content: Content, proc: Procedure, by_shown: dict[str, Path]) -> list[Path]:
    """The files one procedure's checklist is printed from; ``by_shown``: content files by display path."""

    def path_of(kind: str, item_id: str) -> Path:
        shown = content.origin(kind, item_id).file
        return by_shown.get(shown, Path(shown))

    files = [path_of("procedures", proc.id)]
    for step in proc.steps:
        files += [path_of("phrases", u) for u in step.phrases if isinstance(u, str)]
    return sorted(set(files))


def checklist_views(content: Content, ids: list[str] | None = None) -> list[ChecklistView]:
    """Views for the given procedure ids (all when None), in the order given."""
    ids = list(content.procedures) if ids is None else ids
    files = procedure_files(content)
    wanted = {pid: files[pid] for pid in ids}
    dates = last_changed(content.root, [f for fs in wanted.values() for f in fs])
    views = []
    for pid in ids:
        proc = content.procedures[pid]
        changed = max(dates[resolved(f)] for f in wanted[pid])
        steps = tuple(
            StepView(i, s.title, tuple(s.points), step_phrases(content, s.phrases, s.title), tuple(s.must),
                     tuple(s.never), tuple(s.timing), s.internal)
            for i, s in enumerate(proc.steps, 1))
        roles = tuple(content.roles[r].name if r in content.roles else r for r in proc.roles)
        domain = content.domains[proc.domain].name if proc.domain in content.domains else proc.domain
        views.append(ChecklistView(
            id=proc.id, title=proc.title, summary=proc.summary, roles=roles, domain=domain,
            daily=proc.recurring == "daily", steps=steps, must=tuple(proc.must), never=tuple(proc.never),
            notes=tuple(proc.notes), changed=changed, digest=_digest(content, proc)))
    return views
