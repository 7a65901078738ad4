"""Question families: one module per kind of question, each ``generate(pool, seed) -> [Question]``.

Every family returns *all* the questions the pool can honestly support (that is what the
spec's counts are checked against), sorted by id, each already free of flaws. Their shared
helpers are in :mod:`.common`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..question import Question
from . import cloze, matching, next_step, ordering, rule, scenario, step_of_point, timing

Family = Callable[..., list[Question]]


def families() -> dict[str, Family]:
    return {
        "ordering": ordering.generate,
        "next_step": next_step.generate,
        "step_of_point": step_of_point.generate,
        "timing": timing.generate,
        "cloze": cloze.generate,
        "matching": matching.generate,
        "rule": rule.generate,
        "scenario": scenario.generate_scenarios,
        "case": scenario.generate_cases,
    }
