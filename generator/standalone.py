"""Standalone HTML pages the commands write outside the handbook site and trainers open from disk:
papers and keys, the pack's index, the question preview, the coverage report, review.html and the
report. One way to make their Jinja environment (autoescaped, undefined names are errors) and one
base template, ``templates/standalone.html.j2``, that gives every page the same head: zh-CN, a
phone-width viewport, noindex, and the page's own style."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"
BASE = "standalone.html.j2"


def environment(filters: Mapping[str, Callable] | None = None) -> Environment:
    """An environment over ``generator/templates`` (name templates by their folder:
    ``quiz/paper.html.j2``) with a feature's own filters; callers keep it (``lru_cache``)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(filters or {})
    return env
