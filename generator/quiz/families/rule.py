"""Must / never judgement: “诋毁别的楼盘” — 必须做到，还是绝对不能做？

The statement is the rule with its 必须/不得 word taken out; rules whose remainder still holds
a negation (不, 没, 别 …) are skipped because taking the marker out would not give a clean action.
"""

from __future__ import annotations

import re

from ..ids import question_id
from ..pool import Pool
from ..question import RULE_OPTIONS, Cover, Question, sentence
from .common import keep

MUST = ["一定要", "必须要", "必须", "一定", "务必", "确保"]
NEVER = ["千万不要", "严禁", "禁止", "不得", "不准", "不能", "不可", "不要", "切忌", "切勿", "绝不", "决不", "避免"]
_NEGATION = re.compile(r"[不没别勿禁免]")
_TRIM = " ，,。.；;：:！!"


def action(rule: str, markers: list[str]) -> str | None:
    """The rule without its marker word, or None when that would not read cleanly."""
    for m in markers:
        i = rule.find(m)
        if i >= 0:
            rest = (rule[:i] + rule[i + len(m):]).strip(_TRIM)
            if len(rest) < 3 or _NEGATION.search(rest) or any(x in rest for x in MUST + NEVER):
                return None
            return rest
    return None


def generate(pool: Pool, seed: int) -> list[Question]:
    out = []
    for proc in pool.procedures:
        places = [(si, s.must, s.never) for si, s in enumerate(proc.steps)] + [(-1, proc.must, proc.never)]
        for si, musts, nevers in places:
            where = pool.step_ref(proc, si) if si >= 0 else f"《{proc.title}》整个流程的规定"
            for kind, rules, markers in (("must", musts, MUST), ("never", nevers, NEVER)):
                for rule in rules:
                    act = action(rule, markers)
                    if act is None:
                        continue
                    answer = 0 if kind == "must" else 1
                    out.append(Question(
                        id=question_id("rule", proc.id, kind, rule), type="rule",
                        prompt=f"在《{proc.title}》中，「{act}」属于哪一种？",
                        options=RULE_OPTIONS, answer=answer,
                        explanation=f"依据{where}：{sentence(rule)}",
                        source=proc.id,
                        covers=(Cover("step", proc.id, si),) if si >= 0 else (Cover("procedure", proc.id),),
                    ))
    return keep(out)
