"""draws_on.steps: a spec can name the steps to drill first (the re-drill after a report does)."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.quiz.assemble import build_quiz
from generator.quiz.spec import load_spec

from .helpers import REPO, shipped


def _spec(tmp_path: Path, steps: list[str] | None) -> Path:
    data = yaml.safe_load((REPO / "quizzes" / "new-hire-sales-office.yaml").read_text(encoding="utf-8"))
    if steps is not None:
        data["draws_on"]["steps"] = steps
    path = tmp_path / ("focus.yaml" if steps is not None else "plain.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_steps_that_do_not_exist_are_reported_where_written(tmp_path: Path) -> None:
    spec, problems = load_spec(_spec(tmp_path, ["sales-office-reception#99", "nope#1", "sales-office-reception#x",
                                                "after-sales-service-process#1"]), shipped())
    assert spec is None
    first = problems[0].line
    assert [(p.code, p.line) for p in problems] == [("Q002", first + i) for i in range(4)], problems
    assert "没有第 99 步" in problems[0].message and "找不到流程 `nope`" in problems[1].message
    assert "不在出题范围里" in problems[3].message


def test_questions_on_the_steps_in_focus_come_first(tmp_path: Path) -> None:
    focus = ["sales-office-reception#9", "sales-office-reception#10", "unit-number-management#2"]
    wanted = {("sales-office-reception", 8), ("sales-office-reception", 9), ("unit-number-management", 1)}
    plain, _ = load_spec(_spec(tmp_path, None), shipped())
    focused, problems = load_spec(_spec(tmp_path, focus), shipped())
    assert focused is not None, problems

    def drilled(spec) -> int:
        quiz = build_quiz(shipped(), spec)
        return sum(any(c.kind == "step" and (c.id, c.step) in wanted for c in q.covers)
                   for paper in quiz.papers for q in paper)

    assert drilled(focused) > drilled(plain)
