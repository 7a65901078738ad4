"""Put steps in order: four consecutive steps of a procedure, shown shuffled."""

from __future__ import annotations

from ..ids import question_id
from ..pool import Pool
from ..question import Cover, Question
from .common import keep

WINDOW = 4


def windows(n: int) -> list[range]:
    """Non-overlapping runs of four steps (the last run shifted back to stay whole)."""
    if n < 3:
        return []
    if n <= WINDOW:
        return [range(0, n)]
    starts = list(range(0, n - WINDOW + 1, WINDOW))
    if starts[-1] + WINDOW < n:
        starts.append(n - WINDOW)
    return [range(s, s + WINDOW) for s in starts]


def generate(pool: Pool, seed: int) -> list[Question]:
    out = []
    for proc in pool.flows:  # a rules list has no order to ask about
        titles = [s.title for s in proc.steps]
        for w in windows(len(titles)):
            opts = tuple(titles[i] for i in w)
            if len(set(opts)) != len(opts):
                continue
            first, last = w[0] + 1, w[-1] + 1
            whole = len(w) == len(titles)
            where = "全部步骤" if whole else f"第 {first}–{last} 步（连续的几步）"
            out.append(Question(
                id=question_id("ordering", proc.id, *opts),
                type="ordering",
                prompt=f"把《{proc.title}》的{where}按先后顺序排列。",
                options=opts,
                answer=tuple(range(len(opts))),
                explanation=f"依据《{proc.title}》第 {first}–{last} 步，正确顺序是："
                            + " → ".join(f"「{t}」" for t in opts) + "。",
                source=proc.id,
                covers=tuple(Cover("step", proc.id, i) for i in w),
            ))
    return keep(out)
