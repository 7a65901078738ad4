"""Quizzes generated from the content: papers, answer keys, online self-check, Moodle XML, GIFT, Anki.

The public entry points below are what `playbook build`, `playbook check` and the handbook
plugin call; everything heavy is imported lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .spec import QuizSpec, check_specs, load_specs

if TYPE_CHECKING:  # pragma: no cover
    from ..loader import Content

__all__ = ["QuizSpec", "load_specs", "check_specs", "procedure_quiz_html", "spec_page_markdown",
           "build_quiz_outputs"]


def procedure_quiz_html(content: Content, procedure_id: str) -> str:
    """A short self-check quiz for one procedure page, or "" when it cannot support one."""
    from .site import procedure_quiz_html as impl

    return impl(content, procedure_id)


def spec_page_markdown(content: Content, spec: QuizSpec) -> str:
    """The handbook's self-check page for a spec (at quizzes/<spec-stem>/)."""
    from .site import spec_page_markdown as impl

    return impl(content, spec)


def build_quiz_outputs(content: Content, quizzes_dir: Path, site_dir: Path) -> list[Path]:
    """Every spec, every format, into site_dir/quizzes/<spec-stem>/ (plus coverage); what did not
    change since the last build comes from the print cache."""
    from .outputs import build_site

    return build_site(content, quizzes_dir, site_dir)
