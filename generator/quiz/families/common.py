"""What the question families share: a random generator per question, distractor choice, and
the final tidy-up (``keep``)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from ..question import Question, flaws, norm, tidied


def rng_for(seed: int, key: str) -> random.Random:
    """A generator of its own per question: draws do not shift when other content changes."""
    return random.Random(f"{seed}|{key}")


def choose(correct: str, candidates: Iterable[str], rng: random.Random, k: int = 3, minimum: int = 2,
           preferred: Iterable[str] = (), forbid: Iterable[str] = ()) -> list[str] | None:
    """Up to ``k`` distractors: distinct, not the answer, of comparable length; preferred ones first."""
    return choose_near(correct, [candidates], rng, k, minimum, preferred, forbid)


def choose_near(correct: str, groups: Sequence[Iterable[str]], rng: random.Random, k: int = 3, minimum: int = 2,
                preferred: Iterable[str] = (), forbid: Iterable[str] = ()) -> list[str] | None:
    """Like ``choose``, drawing from the groups in order: the nearest first (see ``nearby``)."""
    lo, hi = (len(correct) - 2) / 2, 2 * len(correct) + 2
    seen = {norm(correct)} | {norm(f) for f in forbid}
    out: list[str] = []

    def consider(c: str) -> None:
        n = norm(c)
        if len(out) < k and c.strip() and n not in seen and lo <= len(c) <= hi:
            seen.add(n)
            out.append(c)

    for c in preferred:
        consider(c)
    for group in groups:
        rest = sorted(set(group))
        # Candidates in random order, drawn one at a time (Fisher-Yates from the front) and only until
        # k are found: shuffling them all cost most of the quiz time on a big content.
        for i in range(len(rest)):
            if len(out) >= k:
                break
            j = rng.randrange(i, len(rest))
            rest[i], rest[j] = rest[j], rest[i]
            consider(rest[i])
    return out if len(out) >= minimum else None


def keep(questions: Iterable[Question | None]) -> list[Question]:
    """Tidy the text; drop Nones, anything with a flaw, and repeats (same id, or same prompt and
    options); sort by id."""
    out: dict[str, Question] = {}
    seen: set[tuple] = set()
    for q in questions:
        if q is None:
            continue
        q = tidied(q)
        if flaws(q) or q.id in out:
            continue
        reading = (q.prompt, tuple(sorted(q.options)))
        if reading in seen:
            continue
        seen.add(reading)
        out[q.id] = q
    return [out[k] for k in sorted(out)]
