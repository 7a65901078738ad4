"""The answer-sheet files of one quiz: `sheet-<version>.pdf` (pages to print) and
`sheet-<version>.json` (their layout, which the grader reads)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..problems import ContentError, Problem
from ..quiz.scoring import Trainee, quiz_fingerprint
from .layout import SheetOverflow, sheet_layout
from .render import Copy, sheet_pdf

BLANK_SHEETS = 30  # a class: blank sheets per version when there is no roster


def layout_json(layout: dict) -> bytes:
    return (json.dumps(layout, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def copies_for(versions: Sequence[str], roster: Sequence[Trainee] | None, blank: int) -> dict[str, list[Copy]]:
    """Who gets which version. With a roster, neighbours in the list alternate A, B, …; serials
    run through the whole roster so each is unique. Without one, `blank` numbered sheets each."""
    if not roster:
        return {v: [Copy(f"{n:03d}") for n in range(1, blank + 1)] for v in versions}
    out: dict[str, list[Copy]] = {v: [] for v in versions}
    for n, t in enumerate(roster):
        out[versions[n % len(versions)]].append(Copy(f"{n + 1:03d}", t.name, t.id, t.store, t.role))
    return out


def sheet_files(quizzes: Sequence[dict], *, spec_file: str, roster: Sequence[Trainee] | None = None,
                blank: int = BLANK_SHEETS) -> dict[str, bytes]:
    """quizzes: the quiz-<version>.json dicts of every version."""
    files: dict[str, bytes] = {}
    copies = copies_for([q["version"] for q in quizzes], roster, blank)
    for quiz in quizzes:
        try:
            layout = sheet_layout(quiz, roster=bool(roster), fingerprint=quiz_fingerprint(quiz))
        except SheetOverflow as exc:
            raise ContentError([Problem(spec_file, 1, 1, "G012", f"答题卡一页放不下这套题：{exc}；请减少题数",
                                        "the questions do not fit on one answer sheet")]) from exc
        files[f"sheet-{quiz['version']}.json"] = layout_json(layout)
        if copies[quiz["version"]]:
            files[f"sheet-{quiz['version']}.pdf"] = sheet_pdf(layout, copies[quiz["version"]])
    return files
