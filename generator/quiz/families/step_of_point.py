"""Which step a point belongs to: a 做法 from a step, and the step titles to choose from."""

from __future__ import annotations

from ..ids import question_id
from ..pool import Pool
from ..question import Cover, Question, norm, sentence
from .common import choose, keep, rng_for


def generate(pool: Pool, seed: int) -> list[Question]:
    out = []
    for proc in pool.procedures:
        titles = [s.title for s in proc.steps]
        if len(set(titles)) != len(titles) or len(titles) < 3:
            continue
        counts: dict[str, int] = {}
        for step in proc.steps:
            for p in step.points:
                counts[norm(p)] = counts.get(norm(p), 0) + 1
        for si, step in enumerate(proc.steps):
            for point in step.points:
                if counts[norm(point)] > 1 or len(point) < 6:
                    continue
                if any(t in point or point in t for t in titles):
                    continue  # the point names a step: a give-away, or two right answers
                qid = question_id("step_of_point", proc.id, step.title, point)
                rng = rng_for(seed, qid)
                others = [t for j, t in enumerate(titles) if j != si]
                wrong = choose(titles[si], others, rng)
                if wrong is None:
                    continue
                out.append(Question(
                    id=qid, type="step_of_point",
                    prompt=f"在《{proc.title}》中，“{point}”是哪一步的做法？",
                    options=(titles[si], *wrong), answer=0,
                    explanation=f"依据{pool.step_ref(proc, si)}：{sentence(point)}",
                    source=proc.id,
                    covers=(Cover("step", proc.id, si),),
                ))
    return keep(out)
