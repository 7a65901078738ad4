"""GIFT export (Moodle's plain-text question format).

Questions use ``[html]`` markup. Escaping, in order: content is HTML-escaped (``& < >``); the GIFT
specials ``~ = # :`` get a backslash; ``{``, ``}`` and ``\\`` become numeric character references
whose ``#`` is itself backslash-escaped (``&\\#123;``), so no brace or backslash ever reaches the
GIFT parser raw — some parsers end an answer block at the first ``}`` even when escaped.

Each question starts with a ``// [id:…]`` comment line, which Moodle reads as the question's
idnumber (the same idnumber as in the Moodle XML file), and the category line names the same
category as the Moodle XML file (:func:`.moodle.category`).

GIFT has no ordering type: ordering questions are matching questions, one item per line in the
paper's order (A, B, C…), each matched to its position (``第 k 步``). Moodle always shuffles the
positions in the dropdowns, and shuffles the items too unless the quiz turns shuffling off (GIFT
cannot): the author guide tells trainers what to set. Moodle gives a matching question 1 mark,
shared between its items.
"""

from __future__ import annotations

from html import escape

from ..quiz.question import TYPES
from .moodle import category

_SPECIAL = {"\\": "&\\#92;", "{": "&\\#123;", "}": "&\\#125;", "~": "\\~", "=": "\\=", "#": "\\#", ":": "\\:"}


def gift_escape(text: str) -> str:
    html = escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
    return "".join(_SPECIAL.get(c, c) for c in html)


def _comment(text: str) -> str:
    """Text on one comment line (a line break would end the comment)."""
    return " ".join(text.split())


def _question(n: int, q: dict) -> str:
    title = gift_escape(f"{n:02d} {TYPES.get(q['type'], q['type'])} {q['id']}")
    lines = ["// [id:" + _comment(q["id"]).replace("]", "\\]") + "]",
             f"::{title}::[html]{gift_escape(q['prompt'])} {{"]
    if isinstance(q["answer"], list):
        position = {index: k + 1 for k, index in enumerate(q["answer"])}
        for i, opt in enumerate(q["options"]):
            lines.append(f"  ={gift_escape(opt)} -> 第 {position[i]} 步")
    else:
        for i, opt in enumerate(q["options"]):
            lines.append(f"  {'=' if i == q['answer'] else '~'}{gift_escape(opt)}")
    lines.append(f"  ####{gift_escape(q['explanation'])}")
    lines.append("}")
    return "\n".join(lines)


def gift(quiz: dict) -> bytes:
    out = [f"// {_comment(quiz['title'])} · {quiz['version']} 卷 (playbook, seed {quiz['seed']})",
           f"$CATEGORY: {category(quiz)}", ""]
    for n, q in enumerate(quiz["questions"], start=1):
        out.append(_question(n, q))
        out.append("")
    return "\n".join(out).encode("utf-8")
