"""When a multiple-choice question gives its answer away by form rather than content.

Shared by content checking (W004 on authored scenarios) and the quiz engine (generated
questions), so authors and quizzes hold options to one rule.
"""

from __future__ import annotations

from collections.abc import Sequence


def length_giveaway(options: Sequence[str], answer: int) -> bool:
    """True when the right option stands out by length alone (far longer or shorter than all others)."""
    lengths = [len(o) for o in options]
    right = lengths[answer]
    others = lengths[:answer] + lengths[answer + 1:]
    if not others:
        return True
    longest, shortest = max(others), min(others)
    return right > 2 * longest + 2 or 2 * right + 2 < shortest
