"""Authored scenario questions and 诚信 cases: the author's options, the author's reasons."""

from __future__ import annotations

from ...model import Scenario
from ..ids import question_id
from ..pool import Pool
from ..question import Cover, Question, sentence
from .common import keep


def _question(pool: Pool, sc: Scenario, qtype: str) -> Question:
    right = next(i for i, o in enumerate(sc.options) if o.correct)
    order = [right] + [i for i in range(len(sc.options)) if i != right]
    options = tuple(sc.options[i].text for i in order)
    why = sc.options[right].why.strip()
    parts = [f"正确做法：{sentence(sc.options[right].text)}"]
    if why:
        parts.append(sentence(why))
    if sc.lesson.strip():
        parts.append(f"要记住：{sentence(sc.lesson)}")
    procs = [pool.content.procedures[p].title for p in sc.procedures if p in pool.content.procedures]
    cite = f"（{'案例' if qtype == 'case' else '情景题'}《{sc.title}》"
    cite += f"；相关流程：{'、'.join(f'《{t}》' for t in procs)}）" if procs else "）"
    covers = [Cover("scenario", sc.id)] + [Cover("procedure", p) for p in sc.procedures]
    return Question(
        id=question_id(qtype, sc.id, sc.situation, sc.question, *options), type=qtype,
        prompt=f"{sc.situation}\n{sc.question}",
        options=options, answer=0,
        explanation="".join(parts) + cite,
        source=sc.id,
        covers=tuple(covers),
    )


def generate_scenarios(pool: Pool, seed: int) -> list[Question]:
    return keep(_question(pool, s, "scenario") for s in pool.scenarios if s.kind == "question")


def generate_cases(pool: Pool, seed: int) -> list[Question]:
    return keep(_question(pool, s, "case") for s in pool.scenarios if s.kind == "case")
