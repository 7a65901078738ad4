"""What a pool can be asked: every question each family makes from it, less a spec's exclusions.
The spec's checks (are there enough?), the assembly, the practice and the preview all count on it."""

from __future__ import annotations

from .exclude import Exclusion, keep_drawable
from .families import families
from .pool import Pool
from .question import TYPES, Question


def available(pool: Pool, seed: int, types: list[str] | None = None,
              exclude: tuple[Exclusion, ...] = ()) -> dict[str, list[Question]]:
    """Every question the pool supports, per type (only the types asked for), less the ones a
    spec's ``exclude:`` takes out."""
    fams = families()
    return {t: keep_drawable(fams[t](pool, seed), exclude) for t in (types or list(TYPES))}


def capacity(pool: Pool, seed: int, types: list[str] | None = None,
             exclude: tuple[Exclusion, ...] = ()) -> dict[str, int]:
    return {t: len(qs) for t, qs in available(pool, seed, types, exclude).items()}
