"""What the 题库 exports (Excel, text, 腾讯问卷) share: every question as a plain choice question.

Chinese exam platforms (企业微信/钉钉 training apps, 七巧学院, 问卷星, 腾讯问卷) import single and
multiple choice questions, most of them no ordering questions. So an ordering question becomes a
single choice between candidate orders: the stem lists the items as ①②③…, each option is one
order (``③→①→②→④``), the right order is one of them. The other candidates swap two neighbouring
items of the right order first (the near misses trainees really make), then any other order; they
and their places are drawn from a generator seeded with the quiz seed and the question id, so the
same quiz gives the same file.

Points: every question is worth the same, ``100 / n`` when that is a whole number, else the
nearest whole number (platforms import whole points); the pass line is the spec's percentage of
that total, rounded up. Difficulty: platforms want one of 简单/中等/困难; we have no statistics
before the quiz is sat, so it is estimated from the question type (``DIFFICULTY``) and said so.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

from .question import LETTERS, TYPES

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ARROW = "→"

# Estimated from what the question asks (recall a fact vs. rebuild a flow or judge a case).
DIFFICULTY = {"rule": "简单", "timing": "中等", "cloze": "中等", "matching": "中等", "step_of_point": "中等",
              "next_step": "中等", "scenario": "困难", "case": "困难", "ordering": "困难"}


@dataclass(frozen=True)
class ChoiceRow:
    """One question as every 题库 format sees it: a single choice with one right option."""

    id: str
    kind: str  # "单选题" (every question; ordering questions included, see the module docstring)
    type_name: str  # our question type in Chinese (排序题, 情景题…)
    stem: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    score: int
    difficulty: str
    topic: str

    @property
    def letter(self) -> str:
        return LETTERS[self.answer]


def order_text(order) -> str:
    return ARROW.join(CIRCLED[i] for i in order)


def candidate_orders(q: dict, seed: int) -> tuple[list[tuple[int, ...]], int]:
    """Up to four orders of an ordering question's items (the right one among them) and the index
    of the right one."""
    n = len(q["options"])
    if n > len(CIRCLED):
        raise ValueError(f"{q['id']}: more than {len(CIRCLED)} items to order")
    right = tuple(q["answer"])
    rng = random.Random(f"playbook-bank|{seed}|{q['id']}")
    near = [right[:i] + (right[i + 1], right[i]) + right[i + 2:] for i in range(n - 1)]
    rng.shuffle(near)
    wanted = min(3, math.factorial(n) - 1)
    others: list[tuple[int, ...]] = []
    for cand in near:
        if len(others) < wanted and cand not in others:
            others.append(cand)
    if len(others) < wanted:
        rest = [p for p in itertools.permutations(range(n)) if p != right and p not in others] if n <= 6 else []
        rng.shuffle(rest)
        while len(others) < wanted:
            cand = rest.pop() if rest else tuple(rng.sample(range(n), n))
            if cand != right and cand not in others:
                others.append(cand)
    place = rng.randrange(len(others) + 1)
    orders = others[:place] + [right] + others[place:]
    return orders, place


def ordering_stem(q: dict) -> str:
    items = " ".join(f"{CIRCLED[i]}{opt}" for i, opt in enumerate(q["options"]))
    return f"{q['prompt']}（选出正确的顺序）{items}"


def score_per_question(n: int) -> int:
    return max(1, round(100 / n)) if n else 0


def pass_line(quiz: dict) -> int:
    total = score_per_question(len(quiz["questions"])) * len(quiz["questions"])
    return math.ceil(total * (quiz.get("pass_mark") or 0) / 100)


def rows(quiz: dict, topics: dict[str, str] | None = None) -> list[ChoiceRow]:
    """Every question of one quiz version as a choice row, in paper order."""
    score = score_per_question(len(quiz["questions"]))
    out = []
    for q in quiz["questions"]:
        if isinstance(q["answer"], list):
            orders, right = candidate_orders(q, quiz["seed"])
            stem, options = ordering_stem(q), tuple(order_text(o) for o in orders)
        else:
            stem, options, right = q["prompt"], tuple(q["options"]), q["answer"]
        out.append(ChoiceRow(id=q["id"], kind="单选题", type_name=TYPES.get(q["type"], q["type"]), stem=stem,
                             options=options, answer=right, explanation=q["explanation"], score=score,
                             difficulty=DIFFICULTY.get(q["type"], "中等"),
                             topic=(topics or {}).get(q["id"], "")))
    return out


def topics(quiz) -> dict[str, str]:
    """question id -> 知识点 (``流程标题 · 步骤标题``; a scenario or case also names itself) for every
    question of a built quiz."""
    content = quiz.pool.content
    out: dict[str, str] = {}
    for paper in quiz.papers:
        for q in paper:
            if q.id in out:
                continue
            steps: dict[str, list[int]] = {}
            procs: list[str] = []
            scenes: list[str] = []
            for c in q.covers:
                if c.kind == "step" and c.id in content.procedures:
                    steps.setdefault(c.id, []).append(c.step)
                elif c.kind == "procedure" and c.id in content.procedures and c.id not in procs:
                    procs.append(c.id)
                elif c.kind == "scenario" and c.id in content.scenarios:
                    scenes.append(content.scenarios[c.id].title)
            parts = [f"{'案例' if q.type == 'case' else '情景'}：{t}" for t in scenes]
            for pid, idx in steps.items():
                proc = content.procedures[pid]
                idx = sorted(set(idx))
                if len(idx) == 1:
                    parts.append(f"{proc.title} · {proc.steps[idx[0]].title}")
                else:
                    parts.append(f"{proc.title} · 第 {idx[0] + 1}–{idx[-1] + 1} 步")
            parts += [content.procedures[p].title for p in procs if p not in steps]
            if not parts and q.source in content.procedures:
                parts.append(content.procedures[q.source].title)
            out[q.id] = "；".join(parts)
    return out
