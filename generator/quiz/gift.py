"""GIFT export (Moodle's plain-text question format).

Questions use ``[html]`` markup. Escaping, in order: content is HTML-escaped (``& < >``); the GIFT
specials ``~ = # :`` get a backslash; ``{``, ``}`` and ``\\`` become numeric character references
whose ``#`` is itself backslash-escaped (``&\\#123;``), so no brace or backslash ever reaches the
GIFT parser raw — some parsers end an answer block at the first ``}`` even when escaped.
Ordering questions are GIFT matching questions (item -> position).
"""

from __future__ import annotations

from html import escape

from .question import TYPES

_SPECIAL = {"\\": "&\\#92;", "{": "&\\#123;", "}": "&\\#125;", "~": "\\~", "=": "\\=", "#": "\\#", ":": "\\:"}


def gift_escape(text: str) -> str:
    html = escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
    return "".join(_SPECIAL.get(c, c) for c in html)


def _question(n: int, q: dict) -> str:
    title = gift_escape(f"{n:02d} {TYPES.get(q['type'], q['type'])} {q['id']}")
    head = f"::{title}::[html]{gift_escape(q['prompt'])} {{"
    lines = [head]
    if isinstance(q["answer"], list):
        for k, opt_index in enumerate(q["answer"]):
            lines.append(f"  ={gift_escape(q['options'][opt_index])} -> 第 {k + 1} 步")
    else:
        for i, opt in enumerate(q["options"]):
            lines.append(f"  {'=' if i == q['answer'] else '~'}{gift_escape(opt)}")
    lines.append(f"  ####{gift_escape(q['explanation'])}")
    lines.append("}")
    return "\n".join(lines)


def gift(quiz: dict) -> bytes:
    out = [f"// {quiz['title']} · {quiz['version']} 卷 (playbook, seed {quiz['seed']})",
           f"$CATEGORY: $course$/top/Playbook/{quiz.get('spec') or 'quiz'}-{quiz['version']}", ""]
    for n, q in enumerate(quiz["questions"], start=1):
        out.append(_question(n, q))
        out.append("")
    return "\n".join(out).encode("utf-8")
