"""A role's 入职路径: the stages authors wrote in roles.yaml, or a default made from the role's
procedures (flows first, in two stages, then rules and principles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..content import Content
from ..model import PathStage, Procedure
from .pages import MISTAKES, PageSpec, drill_path, front_matter, learn_path, procedure_path, role_path

DEFAULT_TITLES = ("第一天", "第一周", "第一个月")
FIRST_DAY_FLOWS = 2
"""How many of a role's flows the default path puts on the first day."""


def role_path_stages(content: Content, rid: str) -> list[PathStage]:
    """The role's path: as written, else the default (never an empty stage; [] for a role with
    nothing to learn)."""
    role = content.roles[rid]
    if role.path:
        return list(role.path)
    procs = [p for p in content.procedures.values() if rid in p.roles]
    flows = [p for p in procs if p.kind == "flow"]
    groups = [flows[:FIRST_DAY_FLOWS], flows[FIRST_DAY_FLOWS:], [p for p in procs if p.kind != "flow"]]
    placed: set[str] = set()
    stages: list[tuple[str, list[str], list[str]]] = []
    for title, group in zip(DEFAULT_TITLES, groups, strict=True):
        phrases = [ph for ph in _phrases_of(group) if ph not in placed]
        placed.update(phrases)
        stages.append((title, [p.id for p in group], phrases))
    rest = [ph.id for ph in content.phrases.values() if rid in ph.roles and ph.id not in placed]
    if rest:  # the role's own phrases no procedure of it uses: with the last stage that has anything
        last = max((i for i, s in enumerate(stages) if s[1] or s[2]), default=0)
        stages[last][2].extend(rest)
    return [PathStage(title=t, procedures=procedures, phrases=phrases)
            for t, procedures, phrases in stages if procedures or phrases]


def _phrases_of(procs: list[Procedure]) -> list[str]:
    """Phrase ids the procedures' steps use, in order, each once."""
    return list(dict.fromkeys(use for p in procs for s in p.steps for use in s.phrases if isinstance(use, str)))


def path_page(content: Content, rid: str, version: Callable[[str], str]) -> PageSpec:
    """The role's 入职路径 page: each stage's procedures (with the version a reader's 我已读完 is
    compared with, ``version(pid)``) and phrases; learner.js fills in what this device has done."""
    role = content.roles[rid]

    def context() -> dict[str, Any]:
        stages = role_path_stages(content, rid)
        rows = [(stage, [(procedure_path(pid), content.procedures[pid], version(pid)) for pid in stage.procedures],
                 [content.phrases[ph] for ph in stage.phrases]) for stage in stages]
        return {"role": role, "role_page": role_path(rid), "stages": rows,
                "total": sum(len(stage.procedures) for stage in stages),
                "first": next((procs[0] for _, procs, _ in rows if procs), None),
                "drill_page": drill_path(rid) if any(stage.phrases for stage in stages) else "",
                "mistakes_page": MISTAKES}

    return PageSpec(front_matter(f"{role.name} · 入职路径", searchable=False), "learner_path.html", later=context)


def home_summary(content: Content, version: Callable[[str], str]) -> dict[str, Any]:
    """What the home page's 我的学习 summary reads: per role with a path, its procedures with their
    versions and its phrases (learner.js shows only the roles this device has started)."""
    roles = []
    for rid, role in content.roles.items():
        stages = role_path_stages(content, rid)
        if not stages:
            continue
        procs = " ".join(f"{pid}:{version(pid)}" for s in stages for pid in s.procedures)
        phrases = " ".join(ph for s in stages for ph in s.phrases)
        roles.append((learn_path(rid), drill_path(rid) if phrases else "", role, procs, phrases))
    return {"roles": roles, "mistakes_page": MISTAKES}
