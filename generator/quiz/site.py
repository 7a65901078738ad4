"""What the handbook shows: a short quiz under each procedure, a self-check page per spec, and the files."""

from __future__ import annotations

import hashlib
import random
from html import escape

from ..handbook.text import md
from ..loader import Content
from .assemble import build_quiz
from .coverage import coverage, summary_html
from .families import families
from .online import compact_quiz_block, quiz_block
from .pool import for_procedure
from .question import Question
from .spec import QuizSpec

# Types a procedure page quiz draws from, in the order they are tried.
PAGE_TYPES = ["ordering", "next_step", "timing", "matching", "cloze", "rule", "step_of_point", "scenario", "case"]
PAGE_MAX = 5


def procedure_seed(procedure_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(procedure_id.encode(), digest_size=4).digest(), "big")


def procedure_questions(content: Content, procedure_id: str) -> list[Question]:
    """Up to five questions of different types about one procedure (deterministic per id)."""
    if procedure_id not in content.procedures:
        return []
    seed = procedure_seed(procedure_id)
    pool = for_procedure(content, procedure_id)
    fams = families()
    rng = random.Random(f"{seed}|page")
    found: dict[str, list[Question]] = {}

    def questions_of(t: str) -> list[Question]:
        # A family is generated only when the round-robin first reaches it (usually 5 of the 9 types
        # are enough); types are reached in PAGE_TYPES order, so the shuffles draw from `rng` in the
        # same order as if every family had been generated up front.
        if t not in found:
            found[t] = fams[t](pool, seed)
            rng.shuffle(found[t])
        return found[t]

    picked: list[Question] = []
    while len(picked) < PAGE_MAX:
        before = len(picked)
        for t in PAGE_TYPES:
            if len(picked) < PAGE_MAX and questions_of(t):
                picked.append(found[t].pop())
        if len(picked) == before:
            break
    return [q.shuffled(random.Random(f"{seed}|options|{q.id}")) for q in picked]


def procedure_quiz_html(content: Content, procedure_id: str) -> str:
    qs = procedure_questions(content, procedure_id)
    if not qs:
        return ""
    proc = content.procedures[procedure_id]
    data = {"title": f"自测：{proc.title}", "version": "", "seed": procedure_seed(procedure_id),
            "questions": [q.to_json() for q in qs]}
    return compact_quiz_block(data, intro=f"学完这个流程，做 {len(qs)} 道题检查一下（选好后点“提交答案”）。",
                              key=f"procedure:{procedure_id}")


def spec_page_markdown(content: Content, spec: QuizSpec) -> str:
    quiz = build_quiz(content, spec)
    data = quiz.to_json(0)
    cov = coverage(quiz)
    lines = [f"# {md(spec.title)}", ""]
    facts = [f"共 {len(data['questions'])} 题", f"限时 {spec.time_limit} 分钟", f"及格 {spec.pass_mark}%",
             f"{len(quiz.papers)} 套试卷（{'、'.join(quiz.labels)}）"]
    if spec.audience:
        facts.insert(0, f"适用：{spec.audience}")
    roles = [content.roles[r].name for r in spec.roles if r in content.roles]
    if roles:
        facts.insert(1, "岗位：" + "、".join(roles))
    lines += [f'<p class="pb-quiz-facts">{escape(" · ".join(facts))}</p>', ""]
    if spec.description:
        lines += [f'<p class="pb-quiz-description">{escape(spec.description)}</p>', ""]
    links = []
    for v in quiz.labels:
        links.append(f'<li>{v} 卷：<a href="paper-{v}.pdf">试卷 PDF</a> <a href="paper-{v}.html">试卷网页</a> '
                     f'<a href="key-{v}.pdf">答案 PDF</a> <a href="key-{v}.html">答案网页</a> '
                     f'<a href="sheet-{v}.pdf">答题卡 PDF</a> '
                     f'<a href="moodle-{v}.xml">Moodle XML</a> <a href="gift-{v}.txt">GIFT</a> '
                     f'<a href="quiz-{v}.json">JSON</a> '
                     f'<a href="tiku-{v}.xlsx">Excel 题库</a> <a href="tiku-{v}.txt">文本题库</a> '
                     f'<a href="wesurvey-{v}.txt">腾讯问卷</a></li>')
    links.append(f'<li><a href="{escape(spec.stem)}.apkg">Anki 卡片（规范用语与时间要求）</a> '
                 '<a href="coverage.html">覆盖情况报告</a></li>')
    lines += ["## 下载（培训用）", "", f'<ul class="pb-quiz-downloads">{"".join(links)}</ul>', ""]
    lines += ["## 在线自测（A 卷）", "",
              quiz_block(data, intro="选好答案后点“提交答案”，每道题都会显示对错和解析。", key=f"spec:{spec.stem}"), ""]
    lines += ["## 覆盖情况", "", summary_html(cov), ""]
    return "\n".join(lines)
