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
    from .practice import ExamSet

__all__ = ["QuizSpec", "load_specs", "check_specs", "procedure_quiz_html", "spec_page_markdown",
           "build_quiz_outputs", "ExamSet", "exam_set", "overlap"]


def procedure_quiz_html(content: Content, procedure_id: str, exam: ExamSet | Path | None = None) -> str:
    """A short self-check quiz for one procedure page, or "" when it cannot support one. ``exam``: the
    exam questions to keep off the page (an ``exam_set``, or the quizzes folder); None: none known."""
    from .site import procedure_quiz_html as impl

    return impl(content, procedure_id, exam)


def spec_page_markdown(content: Content, spec: QuizSpec, exam: ExamSet | Path | None = None) -> str:
    """The handbook's page for a spec (at quizzes/<spec-stem>/): a practice quiz of questions no exam
    in ``exam`` uses (None: none but the spec's own papers), no exam file."""
    from .site import spec_page_markdown as impl

    return impl(content, spec, exam)


def exam_set(content: Content, quizzes_dir: Path) -> ExamSet:
    """Every question of every version of every spec in the folder: what practice on the site avoids."""
    from .practice import exam_set as impl

    return impl(content, quizzes_dir)


def overlap(content: Content, quizzes_dir: Path) -> dict[str, list[str]]:
    """Exam question id -> where the site also shows it as practice (empty when nowhere)."""
    from .practice import overlap as impl

    return impl(content, quizzes_dir)


def build_quiz_outputs(content: Content, quizzes_dir: Path, site_dir: Path, pack_dir: Path, *,
                       pack_in_site: bool = False) -> Path:
    """Every spec, every format, into the trainers' pack at ``pack_dir`` (outside the site); the
    site gets only the Anki decks (and, with ``pack_in_site``, the pack as its own section). What
    did not change since the last build comes from the print cache. Returns the pack's folder."""
    from .pack import build_pack

    return build_pack(content, quizzes_dir, site_dir, pack_dir, in_site=pack_in_site)


def __getattr__(name: str):
    if name == "ExamSet":  # the type, imported only when asked for (the package stays light)
        from .practice import ExamSet

        return ExamSet
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
