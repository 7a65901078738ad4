"""What the handbook shows: a short self-check under each procedure and a practice page per spec.

Neither carries an exam question (see ``practice``): the papers, keys and exports are the
trainers' pack, outside the site.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..content import Content
from ..safetext import md
from .assemble import build_quiz
from .coverage import coverage, summary_html
from .online import compact_quiz_block, quiz_block
from .practice import PAGE_MAX, PAGE_TYPES, ExamSet, exam_set, procedure_practice, procedure_seed, spec_practice
from .question import Question
from .spec import QuizSpec

__all__ = ["PAGE_MAX", "PAGE_TYPES", "procedure_seed", "procedure_questions", "procedure_quiz_html",
           "spec_page_markdown"]


def _exam(content: Content, exam: ExamSet | Path | None) -> ExamSet | None:
    """An ExamSet as given, or the one of a quizzes folder; None: no exams known."""
    if exam is None or isinstance(exam, ExamSet):
        return exam
    return exam_set(content, Path(exam))


def procedure_questions(content: Content, procedure_id: str, exam: ExamSet | Path | None = None) -> list[Question]:
    """Up to five questions of different types about one procedure (deterministic per id), none on an
    exam paper of ``exam`` unless the procedure has too few others (see ``practice.procedure_practice``)."""
    return procedure_practice(content, procedure_id, _exam(content, exam)).questions


def procedure_quiz_html(content: Content, procedure_id: str, exam: ExamSet | Path | None = None) -> str:
    practice = procedure_practice(content, procedure_id, _exam(content, exam))
    if not practice.questions:
        return ""
    data = practice.to_json()
    return compact_quiz_block(data, intro=f"学完这个流程，做 {len(data['questions'])} 道题检查一下（选好后点“提交答案”）。",
                              key=f"procedure:{procedure_id}")


def spec_page_markdown(content: Content, spec: QuizSpec, exam: ExamSet | Path | None = None) -> str:
    """The spec's page in the handbook: what the quiz is, a practice quiz of its composition made of
    questions no paper uses, the Anki deck and how much of the content the papers drill. No exam
    file is linked: those are in the trainers' pack."""
    quiz = build_quiz(content, spec)
    # No exams known: at least this spec's own papers stay off its page.
    known = _exam(content, exam) or ExamSet.of(q for paper in quiz.papers for q in paper)
    practice = spec_practice(content, spec, known)
    data = practice.to_json()
    cov = coverage(quiz)
    lines = [f"# {md(spec.title)}", ""]
    facts = [f"共 {spec.total} 题", f"限时 {spec.time_limit} 分钟", f"及格 {spec.pass_mark}%",
             f"{len(quiz.papers)} 套试卷（{'、'.join(quiz.labels)}）"]
    if spec.audience:
        facts.insert(0, f"适用：{spec.audience}")
    roles = [content.roles[r].name for r in spec.roles if r in content.roles]
    if roles:
        facts.insert(1, "岗位：" + "、".join(roles))
    lines += [f'<p class="pb-quiz-facts">{escape(" · ".join(facts))}</p>', ""]
    if spec.description:
        lines += [f'<p class="pb-quiz-description">{escape(spec.description)}</p>', ""]
    lines += ["## 在线练习", "",
              '<p class="pb-quiz-note">练习题的题型和题量与考试相近'
              + ("" if practice.reused else "，但不是试卷上的题")
              + "。试卷和答案在培训师资料包里，不在手册网站里。</p>", "",
              quiz_block(data, intro="选好答案后点“提交答案”，每道题都会显示对错和解析。", key=f"spec:{spec.stem}",
                         titles={pid: p.title for pid, p in content.procedures.items()}), ""]
    lines += ["## 卡片复习", "",
              f'<ul class="pb-quiz-downloads"><li><a href="{escape(spec.stem)}.apkg">Anki 卡片（规范用语与时间要求）</a>'
              "</li></ul>", ""]
    lines += ["## 覆盖情况", "", "试卷合起来考到了出题范围里的多少内容：", "", summary_html(cov), ""]
    return "\n".join(lines)
