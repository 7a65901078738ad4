"""Which step comes next: after step i of a procedure, which of these is step i+1?"""

from __future__ import annotations

from ..ids import question_id
from ..pool import Pool
from ..question import Cover, Question
from .common import choose, keep, rng_for


def generate(pool: Pool, seed: int) -> list[Question]:
    out = []
    for proc in pool.flows:  # a rules list has no order to ask about
        titles = [s.title for s in proc.steps]
        if len(set(titles)) != len(titles):
            continue
        for i in range(len(titles) - 1):
            qid = question_id("next_step", proc.id, titles[i], titles[i + 1])
            rng = rng_for(seed, qid)
            near = [titles[j] for j in (i + 2, i - 1, i + 3, i - 2) if 0 <= j < len(titles)]
            others = [t for j, t in enumerate(titles) if j not in (i, i + 1)]
            wrong = choose(titles[i + 1], others, rng, preferred=near[:2], forbid=[titles[i]])
            if wrong is None:
                continue
            out.append(Question(
                id=qid, type="next_step",
                prompt=f"在《{proc.title}》中，「{titles[i]}」之后的下一步是什么？",
                options=(titles[i + 1], *wrong), answer=0,
                explanation=f"依据{pool.step_ref(proc, i + 1)}：它紧接在第 {i + 1} 步「{titles[i]}」之后。",
                source=proc.id,
                covers=(Cover("step", proc.id, i), Cover("step", proc.id, i + 1)),
            ))
    return keep(out)
