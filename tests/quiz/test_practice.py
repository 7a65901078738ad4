"""Exams stay exams: the practice the handbook shows (spec pages, procedure pages) uses no question of
any version of any spec, and where the content leaves no choice, the overlap is reported."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest

from generator.quiz import pool as pool_module
from generator.quiz import practice as practice_module
from generator.quiz.assemble import build_quiz
from generator.quiz.coverage import coverage, coverage_html
from generator.quiz.practice import ExamSet, exam_set, overlap, procedure_practice, shown_as_practice, spec_practice
from generator.quiz.question import Question, flaws
from generator.quiz.site import procedure_questions, procedure_quiz_html, spec_page_markdown
from generator.quiz.spec import load_spec, load_specs
from tests.conftest import TINY_PROC, quizzes_with_a_tiny_spec

from .helpers import QUIZZES, shipped
from .test_invariants import check_semantics


def _ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _exams(content, quizzes: Path) -> tuple[set[str], set[str]]:
    """Ids and whitespace-free prompts of every question of every version of every spec, made here
    independently of ``exam_set``."""
    ids, prompts = set(), set()
    for spec in load_specs(quizzes, content):
        for paper in build_quiz(content, spec).papers:
            for q in paper:
                ids.add(q.id)
                prompts.add(_ws(q.prompt))
    return ids, prompts


def _shown_prompts(html: str) -> list[str]:
    """The prompts a procedure page's compact block carries (what a reader sees)."""
    m = re.search(r'<script type="application/json" class="pb-quiz-data">(.*?)</script>', html)
    return [q["prompt"] for q in json.loads(m.group(1))["questions"]] if m else []


def _as_shown(prompt: str) -> str:
    """A prompt as ``online.quiz_block`` writes it into a spec page."""
    return "<br>".join(escape(line, quote=True) for line in prompt.split("\n"))


def test_no_practice_on_the_site_is_an_exam_question() -> None:
    content = shipped()
    ids, prompts = _exams(content, QUIZZES)
    exam = exam_set(content, QUIZZES)
    assert exam.ids == ids and exam.prompts == prompts
    for spec in load_specs(QUIZZES, content):
        practice = spec_practice(content, spec, exam)
        assert len(practice.questions) == spec.total and practice.reused == []
        for q in practice.questions:
            assert q.id not in ids and _ws(q.prompt) not in prompts, (spec.stem, q.id)
        page = spec_page_markdown(content, spec, exam)
        for paper in build_quiz(content, spec).papers:
            for q in paper:
                assert _as_shown(q.prompt) not in page, (spec.stem, q.id)
    shown = 0
    for pid in content.procedures:
        qs = procedure_questions(content, pid, exam)
        assert procedure_practice(content, pid, exam).reused == []
        for q in qs:
            assert q.id not in ids and _ws(q.prompt) not in prompts, (pid, q.id)
        html = procedure_quiz_html(content, pid, exam)
        assert [_ws(p) for p in _shown_prompts(html)] == [_ws(q.prompt) for q in qs]
        shown += len(qs)
    assert shown >= 3 * len(content.procedures)
    assert overlap(content, QUIZZES) == {}


def test_practice_cites_its_step_like_exam_questions() -> None:
    content = shipped()
    exam = exam_set(content, QUIZZES)
    questions = [q for spec in load_specs(QUIZZES, content) for q in spec_practice(content, spec, exam).questions]
    questions += [q for pid in content.procedures for q in procedure_practice(content, pid, exam).questions]
    assert questions
    for q in questions:
        assert q.covers, q.id
        assert flaws(q) == [], (q.id, flaws(q))
        check_semantics(content, q)


def test_spec_practice_keeps_the_composition_and_differs_from_the_papers() -> None:
    content = shipped()
    exam = exam_set(content, QUIZZES)
    for spec in load_specs(QUIZZES, content):
        practice = spec_practice(content, spec, exam)
        data = practice.to_json()
        assert data["title"] == f"练习：{spec.title}" and data["version"] == "" and data["spec"] == spec.stem
        assert len({q["id"] for q in data["questions"]}) == spec.total
        # Each type as the spec asks wherever the exams leave enough questions of that type.
        asked = {t: n for t, n in spec.counts().items() if n}
        got = {t: sum(q.type == t for q in practice.questions) for t in asked}
        assert sum(got.values()) == spec.total
        assert sum(min(got[t], asked[t]) for t in asked) >= spec.total - 3, (spec.stem, got, asked)


def test_practice_is_deterministic() -> None:
    content = shipped()

    def render() -> list[str]:
        pool_module._CACHE.clear()
        practice_module._STORE.clear()
        exam = exam_set(content, QUIZZES)
        out = [json.dumps(spec_practice(content, s, exam).to_json(), ensure_ascii=False)
               for s in load_specs(QUIZZES, content)]
        out += [spec_page_markdown(content, s, exam) for s in load_specs(QUIZZES, content)]
        return out + [procedure_quiz_html(content, pid, exam) for pid in content.procedures]

    assert render() == render()


def test_an_exam_question_is_known_by_its_id_or_its_prompt() -> None:
    q = Question("rule:x:1.must1", "rule", "在《甲》中，「乙」\n属于哪一种？", ("必须做到", "绝对不能做"), 0, "解析", "x")
    exam = ExamSet.of([q])
    assert q in exam
    assert Question("rule:x:1.must1", "rule", "别的题目", q.options, 0, "解析", "x") in exam
    assert Question("other:id", "rule", "在《甲》中， 「乙」 属于哪一种？", q.options, 0, "解析", "x") in exam
    assert Question("other:id", "rule", "在《甲》中「丙」属于哪一种？", q.options, 0, "解析", "x") not in exam
    assert ExamSet.of([q]).key == exam.key != ExamSet().key


# --- a spec that takes every question its content has: practice must reuse, and says so ---------------


@pytest.fixture(scope="module")
def tiny_quizzes(tmp_path_factory) -> Path:
    return quizzes_with_a_tiny_spec(tmp_path_factory.mktemp("quizzes"), shipped(), versions=1)


def test_a_tiny_pool_reuses_exam_questions_and_overlap_says_where(tiny_quizzes: Path) -> None:
    content = shipped()
    spec, problems = load_spec(tiny_quizzes / "tiny-drill.yaml", content)
    assert spec is not None, problems
    exam = exam_set(content, tiny_quizzes)
    practice = spec_practice(content, spec, exam)
    assert len(practice.questions) == spec.total
    assert {q.id for q in practice.reused} == {q.id for q in build_quiz(content, spec).papers[0]}
    page = procedure_practice(content, TINY_PROC, exam)
    assert page.reused and len(page.questions) >= min(3, spec.total)
    shared = overlap(content, tiny_quizzes)
    title = content.procedures[TINY_PROC].title
    for q in build_quiz(content, spec).papers[0]:
        assert "自测页「小测验·售后三要点」" in shared[q.id]
    assert any(f"流程页「{title}」" in where for where in shared.values())
    assert overlap(content, tiny_quizzes) == shared


def test_coverage_lists_the_shared_exam_questions(tiny_quizzes: Path) -> None:
    content = shipped()
    spec, _ = load_spec(tiny_quizzes / "tiny-drill.yaml", content)
    quiz = build_quiz(content, spec)
    shared = overlap(content, tiny_quizzes)
    cov = coverage(quiz, shared)
    assert [e["id"] for e in cov["shared"]] == [q.id for q in quiz.papers[0]]
    assert [e["number"] for e in cov["shared"]] == list(range(1, spec.total + 1))
    assert all(e["where"] and e["prompt"] for e in cov["shared"])
    html = coverage_html(cov)
    assert f"也出现在手册练习里的考试题（{spec.total} 道）" in html
    assert escape(quiz.papers[0][0].prompt.split("\n")[0]) in html and "自测页「小测验·售后三要点」" in html
    # Without the overlap the report is as it always was; with none, it says so.
    plain = coverage(quiz)
    assert "shared" not in plain and "也出现在手册练习里" not in coverage_html(plain)
    other, _ = load_spec(QUIZZES / "new-hire-sales-office.yaml", content)
    none = coverage_html(coverage(build_quiz(content, other), shared))
    assert "也出现在手册练习里的考试题（0 道）" in none and "没有" in none


@pytest.mark.slow
def test_check_strict_fails_on_the_overlap(cli, tiny_quizzes: Path) -> None:
    strict = cli("check", "--strict", "--content", "content", "--quizzes", str(tiny_quizzes))
    assert strict.code == 1, strict.out + strict.err
    lines = [line for line in (strict.out + strict.err).splitlines() if "[Q010]" in line]
    assert len(lines) == 1, lines
    assert re.search(r"tiny-drill\.yaml:1:1: warning\[Q010\]: 这份测验有 \d+ 道考试题也出现在手册网站的练习里", lines[0])
    plain = cli("check", "--content", "content", "--quizzes", str(tiny_quizzes))
    assert plain.code == 0, plain.out + plain.err
    assert "warning[Q010]" in plain.out + plain.err


def test_papers_of_another_seed_are_checked_against_what_the_site_shows(tiny_quizzes: Path) -> None:
    """`playbook quiz --seed/--versions` makes papers the site's practice was not drawn around: which of
    their questions the site shows is found from the practice itself, not from the specs' own papers."""
    content = shipped()
    exam = exam_set(content, QUIZZES)
    site: list[tuple[str, Question]] = [(f"自测页「{s.title}」", q) for s in load_specs(QUIZZES, content)
                                        for q in spec_practice(content, s, exam).questions]
    site += [(f"流程页「{p.title}」", q) for pid, p in content.procedures.items()
             for q in procedure_practice(content, pid, exam).questions]

    def expected(papers: list[Question]) -> dict[str, list[str]]:
        out: dict[str, set[str]] = {}
        for q in papers:
            for where, shown in site:
                if shown.id == q.id or _ws(shown.prompt) == _ws(q.prompt):
                    out.setdefault(q.id, set()).add(where)
        return {k: sorted(v) for k, v in out.items()}

    spec, _ = load_spec(QUIZZES / "new-hire-sales-office.yaml", content)
    own = [q for paper in build_quiz(content, spec).papers for q in paper]
    assert shown_as_practice(content, QUIZZES, own) == {} == expected(own)
    other = [q for paper in build_quiz(content, spec, seed=99, versions=3).papers for q in paper]
    found = shown_as_practice(content, QUIZZES, other)
    assert found and {k: sorted(v) for k, v in found.items()} == expected(other)
    # For a spec's own papers it is the overlap cut to their questions.
    tiny, _ = load_spec(tiny_quizzes / "tiny-drill.yaml", content)
    papers = [q for paper in build_quiz(content, tiny).papers for q in paper]
    shared = overlap(content, tiny_quizzes)
    assert shown_as_practice(content, tiny_quizzes, papers) == {q.id: shared[q.id] for q in papers}
