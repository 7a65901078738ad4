"""Moodle XML export: multichoice for single-answer questions, cloze (embedded answers) for ordering.

Text goes in as HTML (format="html"): content is HTML-escaped first, then the XML writer escapes
it again, so ``<``, ``&`` and quotes from content arrive in Moodle as text. Inside a cloze question
text, ``{`` and ``}`` become numeric character references so they cannot open a gap.
"""

from __future__ import annotations

from html import escape
from xml.etree import ElementTree as ET

from .paper import LETTERS
from .question import TYPES


def _html(text: str) -> str:
    return escape(text, quote=False).replace("\n", "<br>")


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _question(root: ET.Element, quiz: dict, n: int, q: dict) -> None:
    ordering = isinstance(q["answer"], list)
    el = ET.SubElement(root, "question", {"type": "cloze" if ordering else "multichoice"})
    name = ET.SubElement(el, "name")
    ET.SubElement(name, "text").text = f"{n:02d} {TYPES.get(q['type'], q['type'])} {q['id']}"
    if ordering:
        position = {opt: k + 1 for k, opt in enumerate(q["answer"])}
        gaps = []
        for i, opt in enumerate(q["options"]):
            choices = "~".join(("=" if k + 1 == position[i] else "") + str(k + 1) for k in range(len(q["options"])))
            safe = _html(opt).replace("{", "&#123;").replace("}", "&#125;")
            gaps.append(f"<li>{LETTERS[i]}. {safe}：第 {{1:MC:{choices}}} 步</li>")
        prompt = _html(q["prompt"]).replace("{", "&#123;").replace("}", "&#125;")
        _text(el, "questiontext", f"<p>{prompt}</p><ol>{''.join(gaps)}</ol>")
    else:
        _text(el, "questiontext", f"<p>{_html(q['prompt'])}</p>")
    _text(el, "generalfeedback", f"<p>{_html(q['explanation'])}</p>")
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "penalty").text = "0"
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = q["id"]
    if ordering:
        return
    ET.SubElement(el, "single").text = "true"
    ET.SubElement(el, "shuffleanswers").text = "false"
    ET.SubElement(el, "answernumbering").text = "ABCD"
    for i, opt in enumerate(q["options"]):
        ans = ET.SubElement(el, "answer", {"fraction": "100" if i == q["answer"] else "0", "format": "html"})
        ET.SubElement(ans, "text").text = _html(opt)
        fb = ET.SubElement(ans, "feedback", {"format": "html"})
        ET.SubElement(fb, "text").text = "正确" if i == q["answer"] else "不正确"


def moodle_xml(quiz: dict) -> bytes:
    """One version of the quiz as Moodle XML (a category named after the quiz and version)."""
    root = ET.Element("quiz")
    cat = ET.SubElement(root, "question", {"type": "category"})
    _text(cat, "category", f"$course$/top/Playbook/{quiz['title']} {quiz['version']} 卷", fmt=None)
    for n, q in enumerate(quiz["questions"], start=1):
        _question(root, quiz, n, q)
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
