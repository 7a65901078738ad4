"""腾讯问卷 exam text (``wesurvey-<version>.txt``): paste into a 考试 (exam) survey's text editor.

Followed:
- wesurvey.com, Survey DSL, "Exam Scenario" (https://wesurvey.com/docs/survey-dsl/content/scene-exam):
  the title line of a question carries its settings in brackets after the text —
  ``…?[Single Choice][Answer: D][Score: 5][All](Question Description)`` — then one option per line
  (its example writes ``A. MSG``); answer letters are option positions; ``[All]`` = full score only
  for the right answer, the one mechanism single choice allows.
- The Chinese tag names, from Tencent's own 腾讯问卷 MCP skill reference (tencent-survey-skill,
  SKILL.md "文本语法速查", 考试场景专用): ``[单选题]``, ``[答案：A、B]``, ``[分数：5]``, ``[全部]``; the
  text starts with the survey title, questions are separated by a blank line and a question has
  no blank line inside; ``(描述)`` after the tags is the question description.

So a question is ``题干[单选题][答案：B][分数：4][全部]`` followed by ``A. 选项`` lines. The format has
no field for an explanation (解析): the description would show it to the examinee before they
answer, so explanations are left out (the answer keys and the Excel/text 题库 carry them).

Rewrites (the format has no escape character): line breaks become a space; ASCII ``[ ]`` become
full-width ``［ ］`` and ASCII ``( )`` full-width ``（ ）`` in the title, stems and options, so no text
can close a stem early, pose as a tag or as a description; a line of ``===`` (a page break) cannot
occur because every line starts with the stem or an option letter.
"""

from __future__ import annotations

from ..quiz.bank import LETTERS, rows

_FULL = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）"})


def ws_escape(text: str) -> str:
    return " ".join(text.split()).translate(_FULL)


def wesurvey(quiz: dict, topics: dict[str, str] | None = None) -> bytes:
    out = [ws_escape(f"{quiz['title']} · {quiz['version']} 卷"), ""]
    for row in rows(quiz, topics):
        out.append(f"{ws_escape(row.stem)}[单选题][答案：{row.letter}][分数：{row.score}][全部]")
        out += [f"{LETTERS[i]}. {ws_escape(opt)}" for i, opt in enumerate(row.options)]
        out.append("")
    return "\n".join(out).encode("utf-8")
