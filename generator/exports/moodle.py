"""Moodle XML export: multichoice for single-answer questions, Moodle's ordering type for ordering.

Every question is worth 1 mark, as on the paper (每题 1 分):

- single-answer questions are ``multichoice`` with ``<defaultgrade>1</defaultgrade>``, options in the
  paper's order (``shuffleanswers`` false, numbered ABCD like the paper);
- ordering questions are ``<question type="ordering">`` (core since Moodle 4.4, the same import format
  as the Ordering plugin on older sites): the items in their right order, ``ALL`` items shown,
  ``ALL_OR_NOTHING`` grading (like the paper: right only when the whole order is right), numbered by
  position (1, 2, 3…) and nothing else. Moodle shuffles the items for each attempt.

  Cloze (embedded answers) cannot do this: Moodle's cloze import ignores ``<defaultgrade>`` and sums
  the weights of the gaps, which are whole numbers (``{1:MC:…}``), so four dropdowns are worth at
  least 4 marks. There is no cloze fallback.

Text goes in as HTML (format="html"): content is HTML-escaped first, then the XML writer escapes
it again, so ``<``, ``&`` and quotes from content arrive in Moodle as text.

The category of a paper and each question's idnumber are the same in this file and in the GIFT
file (see :func:`category`), so importing either puts the paper in the same place.
"""

from __future__ import annotations

import re
from html import escape
from xml.etree import ElementTree as ET

from ..quiz.question import TYPES

# Characters Moodle would change in a category name: tags are stripped (PARAM_TEXT), and GIFT's
# backslash escapes are not undone on a $CATEGORY line. They become their full-width look-alikes.
_CATEGORY_SAFE = str.maketrans({"<": "＜", ">": "＞", "\\": "＼"})


def _html(text: str) -> str:
    return escape(text, quote=False).replace("\n", "<br>")


def _category_name(name: str) -> str:
    """One category name as a path segment: ``/`` doubled, as Moodle writes its own paths."""
    name = re.sub(r"\s+", " ", name.translate(_CATEGORY_SAFE)).strip().replace("/", "//")
    if name.startswith("/"):
        name = " " + name
    if name.endswith("/"):
        name += " "
    return name


def category(quiz: dict) -> str:
    """The question-bank category of one paper, written the same in Moodle XML and GIFT:
    ``$course$/top/Playbook/<测验标题> <版本> 卷``."""
    return "$course$/top/Playbook/" + _category_name(f"{quiz['title']} {quiz['version']} 卷")


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _question(root: ET.Element, n: int, q: dict) -> None:
    ordering = isinstance(q["answer"], list)
    el = ET.SubElement(root, "question", {"type": "ordering" if ordering else "multichoice"})
    name = ET.SubElement(el, "name")
    ET.SubElement(name, "text").text = f"{n:02d} {TYPES.get(q['type'], q['type'])} {q['id']}"
    _text(el, "questiontext", f"<p>{_html(q['prompt'])}</p>")
    _text(el, "generalfeedback", f"<p>{_html(q['explanation'])}</p>")
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "penalty").text = "0"
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = q["id"]
    if ordering:
        _ordering(el, q)
        return
    ET.SubElement(el, "single").text = "true"
    ET.SubElement(el, "shuffleanswers").text = "false"
    ET.SubElement(el, "answernumbering").text = "ABCD"
    for i, opt in enumerate(q["options"]):
        ans = ET.SubElement(el, "answer", {"fraction": "100" if i == q["answer"] else "0", "format": "html"})
        ET.SubElement(ans, "text").text = _html(opt)
        fb = ET.SubElement(ans, "feedback", {"format": "html"})
        ET.SubElement(fb, "text").text = "正确" if i == q["answer"] else "不正确"


def _ordering(el: ET.Element, q: dict) -> None:
    """The options of Moodle's ordering type, then the items in their right order (Moodle reads the
    order from the order of the <answer> elements and numbers them itself; ``fraction`` is the
    position, as Moodle writes it)."""
    ET.SubElement(el, "layouttype").text = "VERTICAL"
    ET.SubElement(el, "selecttype").text = "ALL"
    ET.SubElement(el, "selectcount").text = str(len(q["options"]))
    ET.SubElement(el, "gradingtype").text = "ALL_OR_NOTHING"
    ET.SubElement(el, "showgrading").text = "SHOW"
    ET.SubElement(el, "numberingstyle").text = "123"
    for position, index in enumerate(q["answer"], start=1):
        ans = ET.SubElement(el, "answer", {"fraction": str(position), "format": "html"})
        ET.SubElement(ans, "text").text = _html(q["options"][index])


def moodle_xml(quiz: dict) -> bytes:
    """One version of the quiz as Moodle XML (in the category of :func:`category`)."""
    root = ET.Element("quiz")
    cat = ET.SubElement(root, "question", {"type": "category"})
    _text(cat, "category", category(quiz), fmt=None)
    for n, q in enumerate(quiz["questions"], start=1):
        _question(root, n, q)
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
