"""The 错题本 page: an empty frame learner.js fills with the self-check questions this device
answered wrong (nothing about a reader is written into the site)."""

from __future__ import annotations

from .pages import HOME, PageSpec, front_matter


def mistakes_page() -> PageSpec:
    return PageSpec(front_matter("错题本", searchable=False), "learner_mistakes.html", {"home": HOME})
