"""From a spec to papers: draw questions per type, then per version order them and shuffle options.

``variation: shuffle`` gives every version the same questions (new order, new option order);
``variation: draw`` gives each version its own draw while the pool has enough questions,
wrapping around (and so sharing some) when it has not.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..content import Content
from ..dates import content_changed
from .drawable import available
from .pool import Pool, cached, select
from .question import Question
from .spec import QuizSpec


def label(index: int) -> str:
    return chr(ord("A") + index)


@dataclass
class Quiz:
    """One spec made into versions; ``papers[v]`` are the questions of version ``label(v)`` in order."""

    spec: QuizSpec
    seed: int
    pool: Pool
    papers: list[list[Question]] = field(default_factory=list)
    changed: float | None = None
    """When the content last changed (epoch seconds): the Anki deck's note time."""

    @property
    def labels(self) -> list[str]:
        return [label(i) for i in range(len(self.papers))]

    def to_json(self, index: int) -> dict:
        """The machine-readable quiz of one version (the quiz JSON); everything else renders from it."""
        s = self.spec
        return {
            "title": s.title,
            "version": label(index),
            "seed": self.seed,
            "questions": [q.to_json() for q in self.papers[index]],
            "spec": s.stem,
            "audience": s.audience,
            "pass_mark": s.pass_mark,
            "time_limit": s.time_limit,
            "variation": s.variation,
        }


def draw(cands: list[Question], n: int, version: int, variation: str) -> list[Question]:
    if n == 0 or not cands:
        return []
    if variation == "shuffle":
        return cands[:n]
    start = version * n
    return [cands[(start + k) % len(cands)] for k in range(n)]


def build_quiz(content: Content, spec: QuizSpec, seed: int | None = None, versions: int | None = None) -> Quiz:
    """The quiz of a spec; made once per content (a build asks twice: for the spec's handbook page,
    then for its papers and exports)."""
    key = f"quiz|{spec.stem}|{spec.model_dump_json()}|{seed}|{versions}"
    return cached(content, key, lambda: _build_quiz(content, spec, seed, versions))


def _build_quiz(content: Content, spec: QuizSpec, seed: int | None, versions: int | None) -> Quiz:
    seed = spec.seed if seed is None else seed
    nver = spec.versions if versions is None else versions
    sel = spec.draws_on
    pool = select(content, sel.procedures, sel.tags, sel.roles, sel.domains, sel.scenarios)
    counts = spec.counts()
    wanted = [t for t, n in counts.items() if n > 0]
    pools = available(pool, seed, wanted, spec.exclusions())
    when = content_changed(content.root, content.files)
    quiz = Quiz(spec, seed, pool, changed=when.timestamp() if when else None)
    shuffled: dict[str, list[Question]] = {}
    focus = sel.focus()
    for t in wanted:
        cands = list(pools[t])
        random.Random(f"{seed}|draw|{t}").shuffle(cands)
        if focus:  # questions on the steps in focus first (a stable partition keeps the draw's order)
            cands.sort(key=lambda q: not any(c.kind == "step" and (c.id, c.step) in focus for c in q.covers))
        shuffled[t] = cands
    for v in range(nver):
        paper: list[Question] = []
        for t in wanted:
            picked = draw(shuffled[t], counts[t], v, spec.variation)
            random.Random(f"{seed}|order|{label(v)}|{t}").shuffle(picked)
            paper += [q.shuffled(random.Random(f"{seed}|options|{label(v)}|{q.id}")) for q in picked]
        quiz.papers.append(paper)
    return quiz
