"""The question model: one multiple-choice (or ordering) question and the invariants it keeps.

Families build questions with the right option first (or the right order as given); the
assembler shuffles options per version. ``flaws`` names every broken invariant, and tests
and the generators themselves use it so no question reaches a paper that breaks one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..fairness import length_giveaway

# Question types in the order they appear on a paper (sections), with their Chinese names.
TYPES: dict[str, str] = {
    "ordering": "排序题",
    "next_step": "下一步是什么",
    "step_of_point": "这个做法属于哪一步",
    "timing": "时间与数字",
    "cloze": "规范用语填空",
    "matching": "情境与规范用语",
    "rule": "必须与禁止（判断）",
    "scenario": "情景题",
    "case": "案例分析",
}

RULE_OPTIONS = ("必须做到", "绝对不能做")

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""Option letters (A, B, …) on papers, keys, answer sheets, banks and reports: one list for all."""


COVER_KINDS = ("step", "phrase", "scenario", "procedure")


@dataclass(frozen=True, order=True)
class Cover:
    """A piece of content a question drills: written into the quiz JSON, so the coverage report and
    the results report know what a question cites without reading its id."""

    kind: str  # one of COVER_KINDS
    id: str  # procedure id, phrase key or scenario id
    step: int = -1  # 0-based step index for kind "step"

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "step": self.step} if self.kind == "step" else \
            {"kind": self.kind, "id": self.id}

    @classmethod
    def from_json(cls, data: dict) -> Cover:
        return cls(data["kind"], data["id"], data.get("step", -1))


@dataclass(frozen=True)
class Question:
    """One question. ``answer`` is an option index, or for ordering the option indexes in order."""

    id: str
    type: str
    prompt: str
    options: tuple[str, ...]
    answer: int | tuple[int, ...]
    explanation: str
    source: str
    covers: tuple[Cover, ...] = field(default=(), compare=False)

    @property
    def is_ordering(self) -> bool:
        return isinstance(self.answer, tuple)

    def shuffled(self, rng: random.Random) -> Question:
        """Same question, options in a new order (an ordering question never comes out in order)."""
        n = len(self.options)
        perm = list(range(n))  # perm[new] = old
        for _ in range(20):
            rng.shuffle(perm)
            if not self.is_ordering or n < 2 or _new_order(perm, self.answer) != list(range(n)):
                break
        options = tuple(self.options[old] for old in perm)
        where = {old: new for new, old in enumerate(perm)}
        if self.is_ordering:
            answer: int | tuple[int, ...] = tuple(where[old] for old in self.answer)  # type: ignore[union-attr]
        else:
            answer = where[self.answer]  # type: ignore[index]
        return replace(self, options=options, answer=answer)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "prompt": self.prompt,
            "options": list(self.options),
            "answer": list(self.answer) if isinstance(self.answer, tuple) else self.answer,
            "explanation": self.explanation,
            "source": self.source,
            "covers": [c.to_json() for c in self.covers],
        }


def _new_order(perm: list[int], answer: object) -> list[int]:
    where = {old: new for new, old in enumerate(perm)}
    return [where[old] for old in answer]  # type: ignore[union-attr]


_FOLD = str.maketrans({"，": ",", "。": ".", "！": "!", "？": "?", "：": ":", "；": ";",
                       "（": "(", "）": ")", "“": '"', "”": '"', " ": "", "\u3000": ""})


@lru_cache(maxsize=1 << 17)
def norm(text: str) -> str:
    """Text as compared for sameness: no spaces, no trailing punctuation, ASCII punctuation folded."""
    return text.translate(_FOLD).strip().rstrip(".!?,;")


giveaway = length_giveaway  # the one rule for authored and generated questions


def flaws(q: Question) -> list[str]:
    """Every broken invariant of one question (empty when it is fine)."""
    out = []
    if q.type not in TYPES:
        out.append(f"unknown type {q.type}")
    if len(q.options) < 2:
        out.append("fewer than two options")
    if len({norm(o) for o in q.options}) != len(q.options):
        out.append("options are not distinct")
    if any(not o.strip() for o in q.options):
        out.append("empty option")
    if not q.prompt.strip():
        out.append("empty prompt")
    if not q.explanation.strip():
        out.append("empty explanation")
    if any(_STRAY.search(t) for t in (q.prompt, q.explanation, *q.options)):
        out.append("stray space between Chinese text")
    if not q.source:
        out.append("no source")
    if isinstance(q.answer, tuple):
        if sorted(q.answer) != list(range(len(q.options))):
            out.append("ordering answer is not a permutation of the options")
    elif not isinstance(q.answer, int) or not 0 <= q.answer < len(q.options):
        out.append("answer index out of range")
    elif q.type != "rule" and giveaway(q.options, q.answer):
        out.append("right option is a give-away by length")
    return out


# Chinese characters and Chinese punctuation: between two of these a space is never meant.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff1f\uff5b-\uff65“”‘’…—"
_STRAY = re.compile(f"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])")


def tidy(text: str) -> str:
    """Content text as a question shows it: no stray spaces between Chinese sentences or words.

    A folded YAML block (``situation: >-``) joins its lines with spaces, so a case reads
    「机会。 一位」. Spaces an author means stay: next to digits and Latin words (「12 楼 A 户」,
    「ISO 认证」) and around symbols (「价格 → 合同」). Line breaks stay too.
    """
    return _STRAY.sub("", text)


def tidied(q: Question) -> Question:
    """The same question with its text tidied (the content itself is never changed)."""
    return replace(q, prompt=tidy(q.prompt), options=tuple(tidy(o) for o in q.options),
                   explanation=tidy(q.explanation))


def sentence(text: str) -> str:
    """Text ending in one full stop (no doubled punctuation)."""
    text = text.strip()
    return text if text[-1:] in "。！？.!?…" else text + "。"
