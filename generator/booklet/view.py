"""What a booklet and a read-and-sign sheet show, taken from the validated model."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..checklist.view import PhraseView, step_phrases
from ..content import Content
from ..model import Procedure
from ..problems import PlaybookError, Problem
from ..versions import Version, fingerprint, procedure_versions

CLI = "命令行"


@dataclass(frozen=True)
class StepView:
    number: int
    title: str
    points: tuple[str, ...]
    timing: tuple[str, ...]
    must: tuple[str, ...]
    never: tuple[str, ...]
    phrases: tuple[PhraseView, ...]
    why: str
    internal: bool


@dataclass(frozen=True)
class ProcedureView:
    id: str
    title: str
    summary: str
    domain: str
    roles: str
    kind: str
    version: Version
    steps: tuple[StepView, ...]
    must: tuple[str, ...]
    never: tuple[str, ...]
    notes: tuple[str, ...]
    recheck: bool = False
    """On a read-and-sign sheet: changed since the revision given, so it must be signed again."""

    @property
    def anchor(self) -> str:
        return f"p-{self.id}"


@dataclass(frozen=True)
class TermView:
    term: str
    full: str
    definition: str


@dataclass
class BookletView:
    """One booklet: a role's (or a domain's, or the whole handbook's) procedures and references."""

    key: str
    """File stem: ``role-<id>``, ``domain-<id>`` or ``all``."""
    title: str
    audience: str
    """Who it is for, on the cover: the role or domain name, or 全体岗位."""
    procedures: list[ProcedureView]
    phrases: list[PhraseView] = field(default_factory=list)
    glossary: list[TermView] = field(default_factory=list)
    since: str = ""
    """Read-and-sign: the revision or date procedures marked 需重新确认 changed since."""

    @property
    def date(self) -> str:
        return max((p.version.date for p in self.procedures), default="1970-01-01")

    @property
    def changed(self) -> datetime | None:
        """When its newest procedure last changed: the PDF's date (None without procedures)."""
        return max((p.version.changed for p in self.procedures), default=None)

    @property
    def fingerprint(self) -> str:
        return fingerprint([p.version for p in self.procedures])

    @property
    def uncommitted(self) -> bool:
        return any(not p.version.committed for p in self.procedures)


def procedure_view(content: Content, proc: Procedure, version: Version) -> ProcedureView:
    steps = tuple(StepView(i, s.title, tuple(s.points), tuple(s.timing), tuple(s.must), tuple(s.never),
                           step_phrases(content, s.phrases, s.title), s.why, s.internal)
                  for i, s in enumerate(proc.steps, 1))
    domain = content.domains[proc.domain].name if proc.domain in content.domains else proc.domain
    roles = "、".join(content.roles[r].name if r in content.roles else r for r in proc.roles) or "全体"
    return ProcedureView(proc.id, proc.title, proc.summary, domain, roles, proc.kind, version, steps,
                         tuple(proc.must), tuple(proc.never), tuple(proc.notes))


def _problem(code: str, message: str, detail: str) -> Problem:
    return Problem(CLI, 1, 1, code, message, detail)


def _unknown(kind: str, wrong: str, ids: list[str], code: str) -> PlaybookError:
    close = difflib.get_close_matches(wrong, ids, n=3, cutoff=0.6)
    hint = (f"相近的有：{'、'.join(close)}；" if close else "") + ("可用：" + "、".join(ids) if ids else "内容里还没有")
    return PlaybookError([_problem(code, f"找不到{kind} `{wrong}`（{hint}）", f"unknown {kind} id {wrong}")])


def select(content: Content, role: str | None = None, domain: str | None = None) -> tuple[str, str, str, list[str]]:
    """(key, title, audience, procedure ids) of a booklet; raises H001 for an unknown role or domain."""
    if role is not None:
        if role not in content.roles:
            raise _unknown("岗位", role, list(content.roles), "H001")
        name = content.roles[role].name
        return f"role-{role}", f"{name}岗位手册", name, [p.id for p in content.procedures.values() if role in p.roles]
    if domain is not None:
        if domain not in content.domains:
            raise _unknown("领域", domain, list(content.domains), "H001")
        name = content.domains[domain].name
        return f"domain-{domain}", f"{name}手册", name, [p.id for p in content.procedures.values()
                                                          if p.domain == domain]
    return "all", "服务手册", "全体岗位", list(content.procedures)


def booklet_view(content: Content, role: str | None = None, domain: str | None = None,
                 versions: dict[str, Version] | None = None, recheck: set[str] | None = None,
                 since: str = "") -> BookletView:
    """The booklet of a role, a domain, or (neither given) the whole handbook."""
    key, title, audience, ids = select(content, role, domain)
    versions = versions if versions is not None else procedure_versions(content, ids)
    procs = [procedure_view(content, content.procedures[pid], versions[pid]) for pid in ids]
    if recheck:
        procs = [replace(p, recheck=p.id in recheck) for p in procs]
    if role is not None:
        phrases = [PhraseView(ph.text, ph.when) for ph in content.phrases.values() if role in ph.roles]
    else:
        used = dict.fromkeys(u for pid in ids for s in content.procedures[pid].steps for u in s.phrases
                             if isinstance(u, str))
        phrases = [PhraseView(content.phrases[u].text, content.phrases[u].when) for u in used]
    terms = sorted(content.glossary, key=lambda t: (t.term.casefold(), t.term))
    glossary = [TermView(t.term, t.full, t.definition) for t in terms]
    return BookletView(key, title, audience, procs, phrases, glossary, since)
