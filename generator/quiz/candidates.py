"""Every question a spec can draw: not one paper but the whole pool the assembler draws from (the
types the spec asks for, from its selection), before and after its ``exclude:``. The trainer's
preview page (:mod:`generator.exports.preview`) and the report's retire step read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content import Content
from .assemble import Quiz
from .drawable import available
from .exclude import Exclusion, exclusions, stale
from .pool import Pool, select
from .question import TYPES, Question
from .spec import QuizSpec


@dataclass(frozen=True)
class Candidates:
    """Every question of the asked types the selection makes, before and after ``exclude:``."""

    pool: Pool
    seed: int
    every: dict[str, list[Question]]
    rules: tuple[Exclusion, ...]

    def drawable(self, qtype: str) -> list[Question]:
        return [q for q in self.every[qtype] if not self.excluded_by(q)]

    def refusal(self, entries: list[str], spec: QuizSpec) -> str:
        """Why adding ``entries`` to the spec's exclude would be wrong ("" when it is fine): an entry
        that matches no question the selection can make, or too few questions left of a type."""
        rules = exclusions(entries)
        unknown = stale(rules, self.every, lambda others: available(self.pool, self.seed, others))
        if unknown:
            return (f"{'、'.join(rules[i].entry for i in unknown)} 对不上这份规格能出的任何一道题"
                    "（用 --preview 看现在的题目编号）")
        both = self.rules + rules
        for t, n in spec.counts().items():
            left = sum(not any(r.matches(q) for r in both) for q in self.every.get(t, []))
            if n > 0 and left < n:
                return f"排除后「{TYPES[t]}」只剩 {left} 道，不够每套出 {n} 道"
        return ""

    def excluded_by(self, q: Question) -> str:
        """The first ``exclude:`` entry that takes ``q`` out ("" when none)."""
        return next((r.entry for r in self.rules if r.matches(q)), "")


def candidates(content: Content, spec: QuizSpec, seed: int | None = None) -> Candidates:
    """What the assembler draws from for ``spec`` (see ``assemble._build_quiz``), exclusions not applied."""
    seed = spec.seed if seed is None else seed
    sel = spec.draws_on
    pool = select(content, sel.procedures, sel.tags, sel.roles, sel.domains, sel.scenarios)
    wanted = [t for t, n in spec.counts().items() if n > 0]
    return Candidates(pool, seed, available(pool, seed, wanted), spec.exclusions())


def quiz_candidates(quiz: Quiz) -> Candidates:
    """The candidates of an assembled quiz (its pool and seed), for a build that has the quiz already."""
    wanted = [t for t, n in quiz.spec.counts().items() if n > 0]
    return Candidates(quiz.pool, quiz.seed, available(quiz.pool, quiz.seed, wanted), quiz.spec.exclusions())
