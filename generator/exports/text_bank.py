"""Text 题库 (``tiku-<version>.txt``) in the text-import format of 七巧学院 (企业微信 training app).

Followed: 七巧学院 "题库管理" help page, "支持使用文本批量导入试题"
(https://qiqiao.do1.com.cn/ext/xueyuan/8985.html):

- 单选题: options as ``A.`` or ``A、`` lines, at least 2 (A, B), at most 26; the answer on a line
  marked ``答案：``, required, not empty, no separator; an optional ``解析：`` line.
- 多选题: the same, several answer letters separated by an ASCII ``;`` (we never need it: every
  question has one right option).
- stem at most 2000 characters, explanation at most 2000, each option at most 500.
- 填空题 carry a ``[填空题]`` type label and 判断题 put their answer in ``（）``/``()``: so ``[ ]`` and
  a trailing ``(…)`` are syntax too. Single-choice questions need no type label; we write none.

What the page does not spell out we take from its examples and the common form of such imports:
a numbered stem line (``1.``), one question after another with a blank line between.

Rewrites, so that the import cannot misread our text (the format has no escape character):
- line breaks inside a stem, option or explanation become a space (a new line would start a new
  option or field);
- ``答案：`` / ``解析：`` (either colon) inside text become ``「答案」：`` / ``「解析」：``;
- ASCII ``[ ]`` become full-width ``［ ］`` (no text can look like a type label);
- a stem ending in ``)`` or ``）`` gets a closing ``。`` (a trailing bracket holds a 判断题 answer).
Full-width punctuation is kept: the format's syntax characters are ASCII ``. ; [ ] ( )`` plus
``、 ：（）`` in the positions above, and those positions are covered by the rules.
"""

from __future__ import annotations

import re

from ..quiz.bank import LETTERS, rows

LIMITS = {"stem": 2000, "explanation": 2000, "option": 500}
MAX_OPTIONS = 26

_KEYWORD = re.compile(r"(答案|解析)\s*([:：])")


def one_line(text: str) -> str:
    return " ".join(text.split())


def txt_escape(text: str) -> str:
    text = one_line(text)
    text = _KEYWORD.sub(lambda m: f"「{m.group(1)}」{m.group(2)}", text)
    return text.replace("[", "［").replace("]", "］")


def stem_escape(text: str) -> str:
    text = txt_escape(text)
    return text + "。" if text.endswith((")", "）")) else text


def text_bank(quiz: dict, topics: dict[str, str] | None = None) -> bytes:
    out: list[str] = []
    for n, row in enumerate(rows(quiz, topics), start=1):
        if not 2 <= len(row.options) <= MAX_OPTIONS:
            raise ValueError(f"{row.id}: {len(row.options)} options (the import takes 2 to {MAX_OPTIONS})")
        stem, explanation = stem_escape(row.stem), txt_escape(row.explanation)
        options = [txt_escape(o) for o in row.options]
        too_long = [name for name, text in (("stem", stem), ("explanation", explanation))
                    if len(text) > LIMITS[name]] + ["option" for o in options if len(o) > LIMITS["option"]]
        if too_long:
            raise ValueError(f"{row.id}: {', '.join(too_long)} longer than the import allows")
        out.append(f"{n}.{stem}")
        out += [f"{LETTERS[i]}.{opt}" for i, opt in enumerate(options)]
        out.append(f"答案：{row.letter}")
        out.append(f"解析：{explanation}")
        out.append("")
    return "\n".join(out).encode("utf-8")
