"""The online self-check block: one ``<div class="pb-quiz">`` with native radios/selects (keyboard
accessible, no server); quiz.js marks answers and reveals explanations.

The block is a single line so Markdown keeps it as one raw HTML block; every piece of content
text is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import json
from html import escape

from .question import LETTERS, TYPES


def _e(text: str) -> str:
    return escape(text, quote=True)


def _uid(quiz: dict, key: str) -> str:
    return "pbq-" + hashlib.blake2b((key or quiz["title"] + quiz["version"]).encode(), digest_size=5).hexdigest()


def compact_quiz_block(quiz: dict, intro: str = "", key: str = "") -> str:
    """The same quiz as ``quiz_block`` but carried as JSON that quiz.js turns into the form.

    Used under every procedure page: two tags instead of hundreds keeps Markdown and the
    search indexer (which skips <script>) fast on big handbooks. ``<`` is written as \\u003c so
    no content text can close the script element.
    """
    if not quiz["questions"]:
        return ""
    payload = {"title": quiz["title"], "intro": intro, "kinds": TYPES, "questions": [
        {"type": q["type"], "prompt": q["prompt"], "options": q["options"], "answer": q["answer"],
         "explanation": q["explanation"]} for q in quiz["questions"]]}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return (f'<div class="pb-quiz" id="{_uid(quiz, key)}" data-pb-quiz="1" lang="zh-CN">'
            f'<script type="application/json" class="pb-quiz-data">{data}</script>'
            '<noscript><p class="pb-quiz-noscript">需要启用 JavaScript 才能做自测。</p></noscript></div>')


PROCEDURE_PAGE = 'data-procedure-page="'
"""Names, on a question of a quiz page, the page of the procedure it drills (as its source path
``procedures/<id>.md``; the plugin rewrites it into the page's URL): the 错题本 links back to it."""


def _procedure_of(q: dict, titles: dict[str, str]) -> str:
    """The data attributes naming the procedure a question drills ("" when it drills none)."""
    pid = next((c["id"] for c in q.get("covers", ()) if c["kind"] in ("step", "procedure")), None)
    if pid is None or pid not in titles:
        return ""
    return (f' data-procedure="{_e(pid)}" data-procedure-title="{_e(titles[pid])}" '
            f'{PROCEDURE_PAGE}procedures/{_e(pid)}.md"')


def quiz_block(quiz: dict, intro: str = "", key: str = "", titles: dict[str, str] | None = None) -> str:
    """Render a quiz JSON (what :meth:`generator.quiz.assemble.Quiz.to_json` makes) as the online block.
    ``titles`` (procedure id -> title): each question names the procedure it drills, for the 错题本."""
    qs = quiz["questions"]
    if not qs:
        return ""
    uid = _uid(quiz, key)
    parts = [f'<div class="pb-quiz" id="{uid}" data-pb-quiz="1" lang="zh-CN">',
             f'<form class="pb-quiz-form" aria-label="{_e(quiz["title"])}">']
    if intro:
        parts.append(f'<p class="pb-quiz-intro">{_e(intro)}</p>')
    for n, q in enumerate(qs, start=1):
        name = f"{uid}-{n}"
        ans = q["answer"]
        ordering = isinstance(ans, list)
        parts.append(f'<fieldset class="pb-quiz-q" data-type="{_e(q["type"])}" data-question="{_e(q["id"])}" '
                     f'data-answer="{_e(json.dumps(ans))}"{_procedure_of(q, titles or {})}>')
        lines = q["prompt"].split("\n")
        prompt = "<br>".join(_e(line) for line in lines)
        parts.append(f'<legend><span class="pb-quiz-n">{n}.</span> <span class="pb-quiz-kind">'
                     f'{_e(TYPES.get(q["type"], ""))}</span> {prompt}</legend>')
        if ordering:
            parts.append('<p class="pb-quiz-hint">给每一项选出它是第几步。</p>')
            for i, opt in enumerate(q["options"]):
                choices = '<option value="">第几步？</option>' + "".join(
                    f'<option value="{k + 1}">第 {k + 1} 步</option>' for k in range(len(q["options"])))
                parts.append(f'<label class="pb-quiz-opt pb-quiz-order" data-index="{i}">'
                             f'<span class="pb-quiz-letter">{LETTERS[i]}.</span> <span class="pb-quiz-text">{_e(opt)}</span> '
                             f'<select name="{name}-{i}" aria-label="{LETTERS[i]}. {_e(opt)}：是第几步">'
                             f'{choices}</select></label>')
        else:
            for i, opt in enumerate(q["options"]):
                parts.append(f'<label class="pb-quiz-opt" data-index="{i}"><input type="radio" name="{name}" '
                             f'value="{i}"> <span class="pb-quiz-letter">{LETTERS[i]}.</span> '
                             f'<span class="pb-quiz-text">{_e(opt)}</span></label>')
        parts.append('<div class="pb-quiz-feedback" hidden><p class="pb-quiz-verdict"></p>'
                     f'<p class="pb-quiz-explain">{_e(q["explanation"])}</p></div>')
        parts.append("</fieldset>")
    parts.append('<div class="pb-quiz-actions"><button type="submit" class="md-button md-button--primary">提交答案</button> '
                 '<button type="reset" class="md-button">重新作答</button></div>'
                 '<p class="pb-quiz-score" aria-live="polite"></p>'
                 '<noscript><p class="pb-quiz-noscript">需要启用 JavaScript 才能判分和看解析。</p></noscript>')
    parts.append("</form></div>")
    return "".join(parts)
