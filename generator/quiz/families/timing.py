"""Numbers and timing: 提前____第一次通知客户 → 三天 (wrong: 一天, 五天, 七天)."""

from __future__ import annotations

from ..ids import question_id
from ..numbers import find_fact, render, wrong_values
from ..pool import Pool
from ..question import Cover, Question, sentence
from .common import keep, rng_for


def facts(pool: Pool):
    """(procedure, step index or -1, fact, label) for each askable numeric fact, in content order."""
    for proc in pool.procedures:
        for si, step in enumerate(proc.steps):
            seen = set()
            sentences = [(t, False) for t in step.timing] + [(t, True) for t in (*step.must, *step.never, *step.points)]
            for n, (text, strong) in enumerate(sentences):
                fact = find_fact(text, strong_only=strong)
                if fact is None or text in seen:
                    continue
                seen.add(text)
                yield proc, si, n, fact


def generate(pool: Pool, seed: int) -> list[Question]:
    out = []
    for proc, si, n, fact in facts(pool):
        qid = question_id("timing", proc.id, proc.steps[si].title, fact.sentence, fact.shown)
        rng = rng_for(seed, qid)
        wrong = [render(fact, v) for v in wrong_values(fact, rng)]
        if len(wrong) < 2:
            continue
        out.append(Question(
            id=qid, type="timing",
            prompt=f"《{proc.title}》「{proc.steps[si].title}」这一步要求：“{fact.blanked}”。横线处应是？",
            options=(fact.shown, *wrong), answer=0,
            explanation=f"依据{pool.step_ref(proc, si)}：{sentence(fact.sentence)}",
            source=proc.id,
            covers=(Cover("step", proc.id, si),),
        ))
    return keep(out)
