"""Print-ready A4 papers and answer keys (HTML, and PDF through WeasyPrint), rendered from the JSON quiz."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from .question import TYPES

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "quiz"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, keep_trailing_newline=True,
                      trim_blocks=False, lstrip_blocks=False)
    return env


@lru_cache(maxsize=1)
def css() -> Markup:
    return Markup((TEMPLATES / "paper.css").read_text(encoding="utf-8"))


def letters(answer: int | list[int]) -> str:
    if isinstance(answer, list):
        return "→".join(LETTERS[i] for i in answer)
    return LETTERS[answer]


def pass_count(quiz: dict) -> int:
    return math.ceil(len(quiz["questions"]) * quiz.get("pass_mark", 80) / 100)


def _view(quiz: dict) -> tuple[list[dict], list[dict]]:
    """Questions numbered in paper order, and grouped into sections by type."""
    questions, sections = [], []
    for n, q in enumerate(quiz["questions"], start=1):
        ans = q["answer"]
        view = {
            "n": n, "type": q["type"], "type_name": TYPES.get(q["type"], q["type"]),
            "lines": q["prompt"].split("\n"), "options": q["options"], "ordering": isinstance(ans, list),
            "answer_letters": letters(ans),
            "answer_text": " → ".join(q["options"][i] for i in ans) if isinstance(ans, list) else q["options"][ans],
            "explanation": q["explanation"], "source": q["source"],
        }
        questions.append(view)
        if not sections or sections[-1]["type"] != q["type"]:
            sections.append({"type": q["type"], "name": view["type_name"], "questions": []})
        sections[-1]["questions"].append(view)
    for i, s in enumerate(sections):
        s["number"] = _NUMERALS[i] if i < len(_NUMERALS) else str(i + 1)
    return questions, sections


def paper_html(quiz: dict) -> str:
    questions, sections = _view(quiz)
    return environment().get_template("paper.html.j2").render(
        quiz=quiz, sections=sections, letters=LETTERS, css=css(), need=pass_count(quiz))


def key_html(quiz: dict) -> str:
    questions, _ = _view(quiz)
    return environment().get_template("key.html.j2").render(
        quiz=quiz, questions=questions, css=css(), need=pass_count(quiz))


def pdf(html: str) -> bytes:
    """HTML -> PDF bytes; no dates or random ids, so the same HTML gives the same bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
