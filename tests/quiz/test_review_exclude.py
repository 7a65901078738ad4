"""`exclude:` in a quiz spec: never drawn; a stale entry warns at its line; too few left is an error."""

from __future__ import annotations

from pathlib import Path

from generator.quiz.assemble import build_quiz
from generator.quiz.drawable import available
from generator.quiz.exclude import Exclusion
from generator.quiz.pool import select
from generator.quiz.spec import load_spec

from .helpers import shipped

PROC = "sales-office-reception"
HEAD = f"""# 复习测验
title: 排除测试
draws_on:
  procedures: [{PROC}]
questions:
  next_step: 3
  rule: 2
  step_of_point: 2
seed: 5
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "review-spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _candidates(qtype: str):
    return available(select(shipped(), procedures=[PROC]), 5, [qtype])[qtype]


def test_every_kind_of_entry_matches_what_it_says() -> None:
    steps = _candidates("next_step")
    one = steps[0]
    assert Exclusion(one.id).kind == "id" and Exclusion(one.id).matches(one)
    assert not Exclusion(one.id).matches(steps[1])
    step = one.covers[0].step + 1
    by_step = Exclusion(f"{PROC}#{step}")
    assert by_step.kind == "step" and by_step.matches(one)
    assert all(any(c.kind == "step" and c.step == step - 1 for c in q.covers) == by_step.matches(q) for q in steps)
    by_type = Exclusion(f"next_step:{PROC}")
    assert by_type.kind == "type" and all(by_type.matches(q) for q in steps)
    assert not any(by_type.matches(q) for q in _candidates("rule"))
    glob = Exclusion(f"rule:{PROC}:*")
    assert glob.kind == "glob" and all(glob.matches(q) for q in _candidates("rule"))
    assert not any(glob.matches(q) for q in steps)


def test_an_excluded_question_is_never_drawn(tmp_path: Path) -> None:
    steps = _candidates("next_step")
    rules = _candidates("rule")
    banned_step = steps[1].covers[0].step + 1
    text = HEAD + f"""exclude:
  - {steps[0].id}   # 题目太容易
  - "{PROC}#{banned_step}"
  - {rules[0].id}
"""
    spec, problems = load_spec(_write(tmp_path, text), shipped())
    assert spec is not None and problems == [], [p.format() for p in problems]
    assert spec.exclude == [steps[0].id, f"{PROC}#{banned_step}", rules[0].id]
    drawn: set[str] = set()
    for seed in range(40):
        for paper in build_quiz(shipped(), spec, seed=seed, versions=3).papers:
            for q in paper:
                drawn.add(q.id)
                assert q.id not in (steps[0].id, rules[0].id)
                assert not any(c.kind == "step" and c.id == PROC and c.step == banned_step - 1 for c in q.covers)
    # the rest of the pool is still drawn from: the exclusion took out only what it names
    assert len({q for q in drawn if q.startswith("next_step:")}) >= 5


def test_a_stale_entry_warns_at_its_line_and_column(tmp_path: Path) -> None:
    text = HEAD + f"""exclude:
  - next_step:{PROC}:000000
  - {PROC}#99
  - timing:{PROC}
"""
    spec, problems = load_spec(_write(tmp_path, text), shipped())
    assert spec is not None  # a warning: the quiz is still made
    found = [(p.code, p.severity, p.line, p.col) for p in problems]
    head = HEAD.count("\n")
    # timing is not asked for, but the procedure has timing questions: not stale
    assert found == [("Q011", "warning", head + 2, 5), ("Q011", "warning", head + 3, 5)], found
    assert "000000" in problems[0].message and "--preview" in problems[0].message


def test_exclusions_leaving_too_few_questions_are_an_error(tmp_path: Path) -> None:
    rules = _candidates("rule")
    text = HEAD + "exclude:\n" + "".join(f"  - {q.id}\n" for q in rules[:-1])
    spec, problems = load_spec(_write(tmp_path, text), shipped())
    assert spec is None
    (p,) = problems
    assert (p.code, p.line, p.col) == ("Q012", HEAD.count("\n") + 1, 1)
    assert "只剩 1 道" in p.message and "不够出 2 道" in p.message
