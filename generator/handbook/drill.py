"""A role's 规范用语练习 page: one card per phrase of the role's path (the situation, then the
verbatim text to compare with); learner.js checks typed answers and schedules cards with FSRS."""

from __future__ import annotations

from typing import Any

from ..content import Content
from .pages import PHRASES, PageSpec, front_matter, learn_path
from .path import role_path_stages

FSRS_SCRIPT = "assets/javascripts/vendor/ts-fsrs.umd.js"
"""The vendored scheduler (scripts/vendor-npm.sh ts-fsrs), loaded by the drill page only."""


def drill_phrases(content: Content, rid: str) -> list[str]:
    """Phrase ids of the role's path, stage by stage ([] when it has none: no drill page)."""
    return [ph for stage in role_path_stages(content, rid) for ph in stage.phrases]


def drill_page(content: Content, rid: str) -> PageSpec:
    role = content.roles[rid]

    def context() -> dict[str, Any]:
        return {"role": role, "path_page": learn_path(rid), "phrases_page": PHRASES,
                "cards": [content.phrases[ph] for ph in drill_phrases(content, rid)], "fsrs": FSRS_SCRIPT}

    return PageSpec(front_matter(f"{role.name} · 规范用语练习", searchable=False), "learner_drill.html", later=context)


__all__ = ["drill_page", "drill_phrases"]
