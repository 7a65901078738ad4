"""Print-ready A4 papers and answer keys (HTML, and PDF through WeasyPrint), rendered from the JSON quiz."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup, escape

from .. import printing
from .question import TYPES

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "quiz"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NUMERALS = "一二三四五六七八九十"
MIN_LAST = 3
"""Questions the last page of a paper should hold: one or two there look left over."""
_QUESTION_ANCHOR = re.compile(r"q(\d+)")
# The end of a text kept on one line: a short closing parenthetical with the two characters before
# it (「首期款（房款）」), else the last three characters (no line holds a lone 「款。」).
_TAIL = re.compile(r"(?:..[（(][^（）()]{1,12}[）)]|...)[。！？；，、…”’」.!?]*$", re.S)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = printing.environment(TEMPLATES, strict=False, compact=False, keep_trailing_newline=True)
    env.filters["keep_tail"] = keep_tail
    return env


def keep_tail(text: str) -> Markup:
    """Text (escaped) whose last few characters cannot wrap apart: no orphaned 「（80%）」 or 「款。」."""
    m = _TAIL.search(text)
    if m is None or m.start() < 4:
        return escape(text)
    return escape(text[:m.start()]) + Markup('<span class="nw">') + escape(m.group()) + Markup("</span>")


@lru_cache(maxsize=1)
def css() -> Markup:
    return printing.stylesheet(TEMPLATES / "paper.css")


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
    return printing.print_pdf(html, TEMPLATES, kind="quiz-balanced", layout=balanced).data


def _render(html: str):
    return printing.render(html, TEMPLATES)


def questions_per_page(document) -> list[list[int]]:
    """The numbers of the questions (``id="q12"``) laid out on each page of a rendered paper."""
    return [sorted(int(m.group(1)) for a in page.anchors if (m := _QUESTION_ANCHOR.fullmatch(a)))
            for page in document.pages]


def balanced(html: str):
    """The rendered paper, its last page holding at least ``MIN_LAST`` questions when a better break exists.

    When the last page is left with one or two questions (or only the closing line), the page before
    it is broken earlier so both share its questions; a break is kept only if the paper does not
    grow a page. Papers without question anchors (answer keys) are rendered as they are.
    """
    document = _render(html)
    pages = questions_per_page(document)
    if len(pages) < 2 or len(pages[-1]) >= MIN_LAST or len(pages[-2]) < 2:
        return document
    before, last = pages[-2], pages[-1]
    wanted = max(MIN_LAST, (len(before) + len(last)) // 2) - len(last)
    for move in range(min(wanted, len(before) - 1), 0, -1):
        trial = _render(_break_before(html, before[-move]))
        got = questions_per_page(trial)
        if len(got) == len(pages) and len(got[-1]) > len(last):
            return trial
    return document


def _break_before(html: str, number: int) -> str:
    """The paper with a page break before question ``number`` (before its section heading when it
    opens a section, so the heading goes with it)."""
    target = f"sec{number}" if f'id="sec{number}"' in html else f"q{number}"
    return html.replace("</head>", f"<style>#{target} {{ break-before: page; }}</style>\n</head>", 1)
