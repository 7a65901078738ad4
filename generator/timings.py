"""Phase timings for the benchmarks: ``timed = timer(timings); timed("sheet", lambda: ...)`` runs the
function and, when a dict is given, adds its seconds under the name (renderers take ``timings=None``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
Timed = Callable[[str, Callable[[], T]], T]


def timer(timings: dict[str, float] | None) -> Timed:
    def timed(name: str, fn: Callable[[], T]) -> T:
        t0 = time.perf_counter()
        value = fn()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        return value

    return timed
