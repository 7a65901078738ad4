"""What every generated handbook page holds, as pure functions of the content model.

Each function returns a ``PageSpec``: the page's front matter (what MkDocs reads from the page
file: title, tags, description) and the template with its data; ``render.render_page`` turns that
into HTML once MkDocs knows the page's URL. Links name pages by source path (``procedure_path``…).
The tags page stays Markdown: Material's tags plugin fills in its ``<!-- material/tags -->`` marker.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..content import Content
from ..model import InlinePhrase, Phrase, Procedure, Step
from ..quiz.question import LETTERS
from ..safetext import Markup, attr, html, yaml_str

QuizBlock = Callable[[Content, str], str]

HOME = "index.md"
PHRASES = "phrases.md"
SCENARIOS = "scenarios.md"
CASES = "cases.md"
GLOSSARY = "glossary.md"
TAGS = "tags.md"
ROLES_INDEX = "roles/index.md"
CHANGES = "changes.md"
MISTAKES = "learn/mistakes.md"


def procedure_path(pid: str) -> str:
    return f"procedures/{pid}.md"


def role_path(rid: str) -> str:
    return f"roles/{rid}.md"


def domain_path(did: str) -> str:
    return f"domains/{did}.md"


def learn_path(rid: str) -> str:
    """A role's 入职路径 page (handbook/path.py)."""
    return f"learn/{rid}.md"


def drill_path(rid: str) -> str:
    """A role's 规范用语练习 page (handbook/drill.py)."""
    return f"learn/{rid}-drill.md"


@dataclass
class PageSpec:
    """One generated page: ``source`` is the page file MkDocs reads (front matter, and the Markdown
    body of a Markdown page); an HTML page has a ``template`` rendered with ``context``.

    ``lazy`` holds context values made only when the page is rendered (the self-check quiz, lists
    over all content) and ``later`` makes the rest of the context then: planning every page stays
    cheap, and `playbook serve` renders the page being looked at before the others."""

    source: str
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    lazy: dict[str, Callable[[], Any]] = field(default_factory=dict, repr=False, compare=False)
    later: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)

    def full_context(self) -> dict[str, Any]:
        """The context with the lazy values made (once)."""
        if self.later is not None:
            self.context.update(self.later())
            self.later = None
        if self.lazy:
            self.context.update({name: make() for name, make in self.lazy.items()})
            self.lazy = {}
        return self.context


def front_matter(title: str, tags: Iterable[str] = (), description: str = "", searchable: bool = True) -> str:
    """Page metadata. The theme prints title, description and tags as raw HTML (in <title>, the
    header, a meta attribute, tag chips), so each is HTML-escaped here, once."""
    lines = ["---", f"title: {yaml_str(str(html(title)))}"]
    tags = list(tags)
    if tags:
        lines.append("tags:")
        lines += [f"  - {yaml_str(str(html(t)))}" for t in tags]
    if description:
        lines.append(f"description: {yaml_str(str(attr(description)))}")
    if not searchable:
        lines += ["search:", "  exclude: true"]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _phrase_of(content: Content, use: str | InlinePhrase, step: Step) -> tuple[str, str]:
    """(text, situation) of a step's phrase reference."""
    if isinstance(use, str):
        ph = content.phrases[use]
        return ph.text, ph.when
    return use.text, use.when or step.title


def _procedures_by_domain(content: Content) -> dict[str, list[Procedure]]:
    groups: dict[str, list[Procedure]] = defaultdict(list)
    for proc in content.procedures.values():
        groups[proc.domain].append(proc)
    return groups


def _scenario_page(kind: str) -> str:
    return CASES if kind == "case" else SCENARIOS


def _readable(reserved: Callable[[], frozenset[str]] | None) -> Callable[[Any], bool]:
    """Whether a scenario may be shown: not one an exam asks (``reserved()``: their ids)."""
    exam = reserved() if reserved is not None else frozenset()
    return lambda s: s.id not in exam


def procedure_page(content: Content, proc: Procedure, quiz_block: QuizBlock | None = None,
                   version: Callable[[], Any] | None = None,
                   reserved: Callable[[], frozenset[str]] | None = None) -> PageSpec:
    """``version``: looks the procedure's version up (git), when the page is rendered; scenarios an
    exam asks (``reserved``) are not listed."""

    def self_check() -> Markup:
        block = quiz_block(content, proc.id) if quiz_block is not None else ""
        return Markup(block.strip())  # built by the quiz engine with its own escaping

    def lists() -> dict[str, Any]:  # made when the page is rendered: `playbook serve` plans every page per save
        return {
            "roles": [(role_path(r), content.roles[r]) for r in proc.roles],
            "steps": [(step, [_phrase_of(content, use, step) for use in step.phrases]) for step in proc.steps],
            "scenarios": [(_scenario_page(s.kind), s) for s in content.scenarios_about(proc.id)
                          if _readable(reserved)(s)],
            "related": [(procedure_path(r), content.procedures[r]) for r in proc.related],
        }

    return PageSpec(front_matter(proc.title, proc.tags, proc.summary), "procedure.html", {
        "proc": proc,
        "domain": content.domains[proc.domain],
        "domain_page": domain_path(proc.domain),
        "checklist_a4": f"checklists/{proc.id}.pdf",
        "checklist_a6": f"checklists/{proc.id}-a6.pdf",
    }, lazy={"self_check": self_check, "version": version or (lambda: None)}, later=lists)


def domain_page(content: Content, did: str) -> PageSpec:
    domain = content.domains[did]
    return PageSpec(front_matter(domain.name), "domain.html", later=lambda: {
        "domain": domain,
        "procedures": [(procedure_path(p.id), p) for p in _procedures_by_domain(content).get(did, [])]})


def role_page(content: Content, rid: str, reserved: Callable[[], frozenset[str]] | None = None) -> PageSpec:
    def context() -> dict[str, Any]:
        readable = _readable(reserved)
        procs = [p for p in content.procedures.values() if rid in p.roles]

        def rules(of: Callable[[Procedure | Step], list[str]]) -> list[tuple[str, Procedure, str]]:
            return ([(procedure_path(p.id), p, r) for p in procs for s in p.steps for r in of(s)]
                    + [(procedure_path(p.id), p, r) for p in procs for r in of(p)])

        return {
            "role": content.roles[rid],
            "procedures": [(procedure_path(p.id), p) for p in procs],
            "musts": rules(lambda x: x.must),
            "nevers": rules(lambda x: x.never),
            "phrases": [ph for ph in content.phrases.values() if rid in ph.roles],
            "scenarios": [(_scenario_page(s.kind), s) for s in content.scenarios.values()
                          if rid in s.roles and readable(s)],
            # Every role with something to learn has a path page (written, or made from these).
            "path_page": learn_path(rid) if content.roles[rid].path or procs or any(
                rid in ph.roles for ph in content.phrases.values()) else "",
            "booklet": f"booklets/role-{rid}.pdf" if procs else "",
            "signoff": f"booklets/role-{rid}-sign.pdf" if procs else "",
        }

    return PageSpec(front_matter(content.roles[rid].name), "role.html", later=context)


def _role_counts(content: Content) -> list[tuple[str, Any, int]]:
    return [(role_path(r.id), r, sum(r.id in p.roles for p in content.procedures.values()))
            for r in content.roles.values()]


def roles_index_page(content: Content) -> PageSpec:
    return PageSpec(front_matter("按岗位"), "roles_index.html", later=lambda: {"roles": _role_counts(content)})


def phrases_page(content: Content) -> PageSpec:
    """All 规范用语 grouped by domain, each with the procedure step it belongs to."""
    return PageSpec(front_matter("规范用语"), "phrases.html", later=lambda: _phrases_context(content))


def _phrases_context(content: Content) -> dict[str, Any]:
    uses = content.phrase_uses()
    by_domain: dict[str, list[tuple[Phrase, tuple[str, Procedure, int]]]] = defaultdict(list)
    unplaced: list[tuple[Phrase, None]] = []
    for ph in content.phrases.values():
        if ph.id in uses:
            pid, si = uses[ph.id][0]
            proc = content.procedures[pid]
            by_domain[proc.domain].append((ph, (procedure_path(pid), proc, si + 1)))
        else:
            unplaced.append((ph, None))
    groups: list[tuple[str, str, list[Any]]] = [
        (f"domain-{did}", domain.name, by_domain[did]) for did, domain in content.domains.items() if by_domain.get(did)]
    if unplaced:
        groups.append(("other", "其他场合", unplaced))
    return {"count": len(content.phrases), "groups": groups}


def scenarios_page(content: Content, kind: str, reserved: Callable[[], frozenset[str]] | None = None) -> PageSpec:
    """All scenarios (or cases) with their answers; those an exam asks (``reserved()``: their ids)
    are left out and counted, so the page does not hand out an exam question and its answer."""
    title = "案例" if kind == "case" else "情景题"
    intro = ("真实故事和它们教给我们的道理。先想一想你会怎么做，再点开答案。" if kind == "case"
             else "遇到这些情况该怎么做？先自己选，再点开答案看解析。")

    def context() -> dict[str, Any]:
        readable = _readable(reserved)
        mine = [s for s in content.scenarios.values() if s.kind == kind]
        items = [(s, next(i for i, o in enumerate(s.options) if o.correct),
                  [(procedure_path(p), content.procedures[p]) for p in s.procedures])
                 for s in mine if readable(s)]
        return {"title": title, "intro": intro, "scenarios": items, "letters": LETTERS,
                "reserved": len(mine) - len(items)}

    return PageSpec(front_matter(title), "scenarios.html", later=context)


def glossary_page(content: Content) -> PageSpec:
    return PageSpec(front_matter("术语表"), "glossary.html", {"terms": content.glossary})


def changes_page(revisions: Callable[[], list[Any] | None]) -> PageSpec:
    """最近更新: per revision (newest first) the procedures that changed and how; ``revisions()``
    gives them (None outside git), when the page is rendered (it reads git history)."""

    def context() -> dict[str, Any]:
        found = revisions()
        entries = [(rev, [(None if p.removed else procedure_path(p.id), p) for p in rev.procedures])
                   for rev in found or []]
        return {"entries": entries, "tracked": found is not None}

    return PageSpec(front_matter("最近更新", searchable=False), "changes.html", later=context)


def tags_page() -> PageSpec:
    # Material lists every page under its tags here: only titles, all indexed on their own pages.
    return PageSpec(front_matter("标签", searchable=False) + "# 标签\n\n按标签浏览全部流程。\n\n<!-- material/tags -->\n")


def home_page(content: Content, quiz_pages: list[tuple[str, str]], guide_pages: list[tuple[str, str]],
              learner: Callable[[], Any] | None = None) -> PageSpec:
    """``learner()``: what the home page's learning summary reads (handbook/path.py), or None."""
    return PageSpec(front_matter("服务手册"), "home.html", later=lambda: {
        **_home_context(content, quiz_pages, guide_pages), "learner": learner() if learner else None})


def _home_context(content: Content, quiz_pages: list[tuple[str, str]],
                  guide_pages: list[tuple[str, str]]) -> dict[str, Any]:
    procs = _procedures_by_domain(content)
    return {
        "counts": {"procedures": len(content.procedures), "phrases": len(content.phrases),
                   "scenarios": len(content.scenarios)},
        "roles": [row for row in _role_counts(content) if row[2]],
        "domains": [(domain_path(did), d, procs[did]) for did, d in content.domains.items() if procs.get(did)],
        "pages": {"phrases": PHRASES, "scenarios": SCENARIOS, "cases": CASES, "glossary": GLOSSARY},
        "quizzes": quiz_pages,
        "guides": guide_pages,
    }
