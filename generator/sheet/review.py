"""review.html: every flagged mark with the picture of it, so the trainer decides in seconds.

A self-contained page (pictures inline, no server, works from disk): the trainer clicks what
the trainee meant; 保存更正 downloads corrections.json, which `playbook grade --corrections`
applies. It names trainees, so it is written only to the results folder.
"""

from __future__ import annotations

import base64
import json

from markupsafe import Markup

from .. import standalone
from ..quiz.question import LETTERS
from ..quiz.scoring import FLAG_NAMES, Sheet
from .grade import GradedPage


def _uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _items(page: GradedPage | None, sheet: Sheet, quiz: dict) -> list[dict]:
    questions = {q["id"]: (n, q) for n, q in enumerate(quiz["questions"], start=1)}
    crops = page.crops if page else {}
    items = []
    for r in sheet.responses:
        if r.flag in (None, "blank"):  # an unanswered question needs no decision
            continue
        n, q = questions[r.question]
        ordering = isinstance(q["answer"], list)
        items.append({"question": r.question, "number": n, "flag": FLAG_NAMES[r.flag], "ordering": ordering,
                      "options": [LETTERS[i] for i in range(len(q["options"]))],
                      "read": "".join(LETTERS[i] for i in r.chosen),
                      "image": _uri(crops[r.question].png) if r.question in crops else None})
    return items


def review_html(sheets: list[Sheet], pages: dict[tuple[str, str], GradedPage], quizzes: dict[str, dict]) -> str:
    """One card per sheet that needs a person (a flagged answer or an unread 工号)."""
    cards = []
    for s in sheets:
        page = pages.get((s.version, s.serial))
        items = _items(page, s, quizzes[s.version])
        id_unclear = bool(page and page.staff_id_unclear)
        if not items and not id_unclear:
            continue
        crops = page.crops if page else {}
        cards.append({"quiz": s.quiz, "version": s.version, "serial": s.serial, "source": s.source,
                      "trainee": s.trainee, "score": s.score, "marks": items, "id_unclear": id_unclear,
                      "id_image": _uri(crops["@trainee"].png) if "@trainee" in crops else None,
                      "name_image": _uri(crops["@name"].png) if "@name" in crops else None})
    env = standalone.environment()
    meta = Markup(json.dumps({"format": "playbook-corrections/1"}))
    return env.get_template("sheet/review.html.j2").render(cards=cards, meta=meta, total=len(sheets))
