"""The whole generated site: which pages exist, their Markdown, and the navigation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..changes import history
from ..content import Content
from ..safetext import html
from ..versions import VersionBook
from . import pages as P
from . import path as learner_path
from .drill import drill_page, drill_phrases
from .notebook import mistakes_page

GUIDE_SECTION = "指南与说明"


@dataclass
class SitePlan:
    """Generated pages (source path -> what the page holds) and the nav that places them and
    hand-written pages."""

    pages: dict[str, P.PageSpec] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)


def plan_site(
    content: Content,
    hand_pages: dict[str, str],
    quiz_block: P.QuizBlock | None = None,
    quiz_pages: dict[str, tuple[str, Callable[[], str]]] | None = None,
    trainer_page: tuple[str, str, Callable[[], str]] | None = None,
    exam_scenarios: Callable[[], frozenset[str]] | None = None,
) -> SitePlan:
    """Plan every page.

    ``hand_pages``: path -> title of Markdown pages authors wrote in content/ (an ``index.md``
    there replaces the generated home page). ``quiz_pages``: path -> (title, render function).
    ``trainer_page``: (path, title, render function) of the trainers' section, only when a team
    publishes its trainers' pack in the site. ``exam_scenarios()``: ids of the scenarios and
    cases exams ask, left off the 情景题 and 案例 pages.
    """
    quiz_pages = quiz_pages or {}
    plan = SitePlan()
    guide = [(title, path) for path, title in sorted(hand_pages.items()) if path != P.HOME]
    versions = VersionBook(content)

    def digest(pid: str) -> str:
        """What a reader's 我已读完 is compared with."""
        return versions[pid].digest

    if P.HOME not in hand_pages:
        plan.pages[P.HOME] = P.home_page(content, [(t, p) for p, (t, _) in quiz_pages.items()], guide,
                                         lambda: learner_path.home_summary(content, digest))
    by_domain = P._procedures_by_domain(content)

    for proc in content.procedures.values():
        plan.pages[P.procedure_path(proc.id)] = P.procedure_page(
            content, proc, quiz_block, lambda pid=proc.id: versions[pid], exam_scenarios)
    for did in content.domains:
        if by_domain.get(did):
            plan.pages[P.domain_path(did)] = P.domain_page(content, did)
    plan.pages[P.ROLES_INDEX] = P.roles_index_page(content)
    for rid in content.roles:
        plan.pages[P.role_path(rid)] = P.role_page(content, rid, exam_scenarios)
    learn_nav, drill_nav = [], []
    for rid, role in content.roles.items():
        if learner_path.role_path_stages(content, rid):
            plan.pages[P.learn_path(rid)] = learner_path.path_page(content, rid, digest)
            learn_nav.append({_t(role.name): P.learn_path(rid)})
        if drill_phrases(content, rid):
            plan.pages[P.drill_path(rid)] = drill_page(content, rid)
            drill_nav.append({_t(role.name): P.drill_path(rid)})
    plan.pages[P.MISTAKES] = mistakes_page()
    plan.pages[P.PHRASES] = P.phrases_page(content)
    plan.pages[P.SCENARIOS] = P.scenarios_page(content, "question", exam_scenarios)
    plan.pages[P.CASES] = P.scenarios_page(content, "case", exam_scenarios)
    plan.pages[P.GLOSSARY] = P.glossary_page(content)
    plan.pages[P.TAGS] = P.tags_page()
    plan.pages[P.CHANGES] = P.changes_page(lambda: history(content))
    for path, (_title, render) in quiz_pages.items():
        plan.pages[path] = P.PageSpec(render())

    procedures_nav = []
    for did, domain in content.domains.items():
        procs = by_domain.get(did)
        if procs:
            procedures_nav.append({_t(domain.name): [{"概览": P.domain_path(did)}]
                                   + [{_t(p.title): P.procedure_path(p.id)} for p in procs]})
    plan.nav = [{"首页": P.HOME}, {"流程": procedures_nav},
                {"岗位": [{"全部岗位": P.ROLES_INDEX}] + [{_t(r.name): P.role_path(r.id)} for r in content.roles.values()]},
                {"学习": [{"错题本": P.MISTAKES}] + ([{"入职路径": learn_nav}] if learn_nav else [])
                 + ([{"规范用语练习": drill_nav}] if drill_nav else [])},
                {"规范用语": P.PHRASES}, {"情景题": P.SCENARIOS}, {"案例": P.CASES},
                {"术语表": P.GLOSSARY}, {"标签": P.TAGS}, {"最近更新": P.CHANGES}]
    if quiz_pages:
        plan.nav.append({"自测": [{_t(title): path} for path, (title, _) in quiz_pages.items()]})
    if guide:
        plan.nav.append({GUIDE_SECTION: [{_t(title): path} for title, path in guide]})
    if trainer_page is not None:
        path, title, render = trainer_page
        plan.pages[path] = P.PageSpec(render())
        plan.nav.append({_t(title): path})
    return plan


def _t(title: str) -> str:
    """A nav title: the theme prints nav titles as HTML, so content text is escaped first."""
    return str(html(title))


def glossary_tooltips(content: Content) -> dict[str, str]:
    """Glossary term and alias -> tooltip text, for the ``generator.handbook.abbr`` extension."""
    tips: dict[str, str] = {}
    for term in content.glossary:
        tip = " ".join(((f"{term.full}：" if term.full else "") + term.definition).split())
        for word in [term.term, *term.aliases]:
            if word.strip():
                tips.setdefault(word.strip(), tip)
    return tips
