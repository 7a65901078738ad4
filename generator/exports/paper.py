"""Print-ready A4 papers and answer keys of one quiz version, made from its JSON: PDFs laid out by
Typst (``templates/print/paper.typ`` and ``key.typ``, content passed as JSON data) and the same
papers as HTML (``templates/quiz/*.html.j2``, the ``html`` output format)."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from jinja2 import Environment
from markupsafe import Markup, escape

from .. import standalone
from ..print import TypstDocument, print_document, typst_compiler
from ..quiz.question import LETTERS, TYPES

TEMPLATES = standalone.TEMPLATES / "quiz"
PAPER_TEMPLATE = "paper.typ"  # under generator/templates/print/
KEY_TEMPLATE = "key.typ"
_NUMERALS = "一二三四五六七八九十"
MIN_LAST = 3
"""Questions the last page of a paper should hold: one or two there look left over."""
# The end of a text kept on one line: a short closing parenthetical with the two characters before
# it (「首期款（房款）」), else the last three characters (no line holds a lone 「款。」).
_TAIL = re.compile(r"(?:..[（(][^（）()]{1,12}[）)]|...)[。！？；，、…”’」.!?]*$", re.S)


def split_tail(text: str) -> list[str]:
    """``[head, tail]``: the tail is the end of ``text`` that must not wrap apart ("" if none)."""
    m = _TAIL.search(text)
    if m is None or m.start() < 4:
        return [text, ""]
    return [text[:m.start()], m.group()]


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
            "explanation": q["explanation"], "source": q["source"], "id": q["id"],
        }
        questions.append(view)
        if not sections or sections[-1]["type"] != q["type"]:
            sections.append({"type": q["type"], "name": view["type_name"], "questions": []})
        sections[-1]["questions"].append(view)
    for i, s in enumerate(sections):
        s["number"] = _NUMERALS[i] if i < len(_NUMERALS) else str(i + 1)
    return questions, sections


# -- PDF (Typst) -----------------------------------------------------------------------------------

def _pass_line(quiz: dict) -> str:
    return f"答对 {pass_count(quiz)} 题及格（{quiz.get('pass_mark', 80)}%）"


def paper_data(quiz: dict, break_before: int | None = None) -> dict:
    """The JSON data of ``paper.typ``: plain strings, numbers and lists; texts that wrap come as
    ``[head, tail]`` (:func:`split_tail`), subtitle items as ``[lead, head, tail]`` (lead and tail
    kept whole). ``break_before``: a question that starts a new page."""
    _, sections = _view(quiz)
    audience = quiz.get("audience") or ""
    items = [f"共 {len(quiz['questions'])} 题，每题 1 分", f"限时 {quiz['time_limit']} 分钟", _pass_line(quiz)]
    subtitle = ([["适用：", *split_tail(audience)]] if audience else []) + [[item, "", ""] for item in items]
    return {"title": quiz["title"], "version": quiz["version"], "paper_id": f"{quiz['title']} · {quiz['version']} 卷",
            "subtitle": subtitle,
            "letters": list(LETTERS), "break_before": break_before,
            "sections": [{"number": s["number"], "name": s["name"],
                          "questions": [{"n": q["n"], "ordering": q["ordering"],
                                         "lines": [split_tail(line) for line in q["lines"]],
                                         "options": [split_tail(o) for o in q["options"]]}
                                        for q in s["questions"]]} for s in sections]}


def key_data(quiz: dict) -> dict:
    """The JSON data of ``key.typ``: the grid of answers, then each answer with its explanation."""
    questions, _ = _view(quiz)
    return {"title": quiz["title"], "version": quiz["version"],
            "paper_id": f"{quiz['title']} · {quiz['version']} 卷 答案（阅卷用）",
            "subtitle": ["阅卷用，勿发给考生", f"共 {len(quiz['questions'])} 题", _pass_line(quiz),
                         f"随机种子 {quiz['seed']}"],
            "questions": [{"n": q["n"], "type_name": q["type_name"], "answer_letters": q["answer_letters"],
                           "answer_text": q["answer_text"], "explanation": q["explanation"], "source": q["source"],
                           "id": q["id"]}
                          for q in questions]}


def questions_per_page(data: dict) -> list[list[int]]:
    """The numbers of the questions ``paper.typ`` lays out on each page for ``data`` (the last page
    may hold none: only the closing line)."""
    marks = typst_compiler.query(PAPER_TEMPLATE, data, "<question>")
    pages: list[list[int]] = [[] for _ in range(max(m["page"] for m in marks))]
    for m in marks:
        if m["n"]:
            pages[m["page"] - 1].append(m["n"])
    return pages


def balanced(quiz: dict) -> dict:
    """The paper's data, its last page holding at least ``MIN_LAST`` questions when a better break exists.

    When the last page is left with one or two questions (or only the closing line), the page before
    it is broken earlier so both share its questions; a break is kept only if the paper does not
    grow a page.
    """
    data = paper_data(quiz)
    pages = questions_per_page(data)
    if len(pages) < 2 or len(pages[-1]) >= MIN_LAST or len(pages[-2]) < 2:
        return data
    before, last = pages[-2], pages[-1]
    wanted = max(MIN_LAST, (len(before) + len(last)) // 2) - len(last)
    for move in range(min(wanted, len(before) - 1), 0, -1):
        trial = paper_data(quiz, break_before=before[-move])
        got = questions_per_page(trial)
        if len(got) == len(pages) and len(got[-1]) > len(last):
            return trial
    return data


def paper_document(quiz: dict) -> TypstDocument:
    """The paper of one quiz version, its pages balanced. No dates: the same quiz, the same bytes."""
    return TypstDocument.of(PAPER_TEMPLATE, balanced(quiz))


def key_document(quiz: dict) -> TypstDocument:
    return TypstDocument.of(KEY_TEMPLATE, key_data(quiz))


def paper_pdf(quiz: dict) -> bytes:
    return print_document(paper_document(quiz)).data


def key_pdf(quiz: dict) -> bytes:
    return print_document(key_document(quiz)).data


# -- HTML (the ``html`` format) ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def environment() -> Environment:
    return standalone.environment({"keep_tail": keep_tail})


def keep_tail(text: str) -> Markup:
    """Text (escaped) whose last few characters cannot wrap apart: no orphaned 「（80%）」 or 「款。」."""
    head, tail = split_tail(text)
    if not tail:
        return escape(text)
    return escape(head) + Markup('<span class="nw">') + escape(tail) + Markup("</span>")


@lru_cache(maxsize=1)
def css() -> Markup:
    return Markup((TEMPLATES / "paper.css").read_text(encoding="utf-8"))


def paper_html(quiz: dict) -> str:
    _, sections = _view(quiz)
    return environment().get_template("quiz/paper.html.j2").render(
        quiz=quiz, sections=sections, letters=LETTERS, css=css(), need=pass_count(quiz))


def key_html(quiz: dict) -> str:
    questions, _ = _view(quiz)
    return environment().get_template("quiz/key.html.j2").render(
        quiz=quiz, questions=questions, css=css(), need=pass_count(quiz))
