"""建议复核的题: the item statistics (``stats``) turned into typed recommendations, and ``--retire``.

A question is recommended for review when, on at least ``MIN_RESPONSES`` answers,
- its discrimination index is negative (strong trainees get it wrong more often than weak ones), or
  near zero (below ``NEAR_ZERO``, while its facility is not extreme: right or wrong says nothing about
  who knows the procedure);
- its facility is above ``FACILITY_HIGH`` (nearly everyone right) or below ``FACILITY_LOW``;
- a wrong option of a choice question was picked by nobody (it does no work as a distractor).
Each recommendation says why in plain Chinese with the number of answers behind it. Fewer answers than
the threshold give no recommendation at all: with 8 trainees one lucky guess moves the facility by 12
points and the discrimination by far more. :mod:`.retire` acts on them (``playbook report --retire``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

MIN_RESPONSES = 20
"""Fewest answers to a question before it is recommended for review or retired (``--min-responses``)."""
FACILITY_HIGH = 0.95
FACILITY_LOW = 0.2
NEAR_ZERO = 10.0
"""Discrimination (percent, as Moodle shows it) below which right or wrong hardly depends on the rest score."""

KINDS = {
    "negative_discrimination": "区分度为负",
    "weak_discrimination": "区分度接近零",
    "too_easy": "太容易",
    "too_hard": "太难",
    "unused_distractor": "干扰项没人选",
}
"""Each kind of recommendation and its short Chinese name (most serious first)."""


@dataclass(frozen=True)
class Option:
    text: str
    count: int
    right: bool


@dataclass(frozen=True)
class Item:
    """One question's statistics, as ``stats.item_table`` and the report's option analysis compute them."""

    id: str
    n: int
    facility: float
    discrimination: float | None  # percent; None when undefined
    options: tuple[Option, ...] = ()
    ordering: bool = False
    prompt: str = ""
    number: int = 0


@dataclass(frozen=True)
class Recommendation:
    id: str
    kind: str
    reason: str
    n: int
    prompt: str = ""
    number: int = 0

    def to_json(self) -> dict:
        return {**asdict(self), "kind_name": KINDS[self.kind]}


def recommend(items: list[Item], min_responses: int = MIN_RESPONSES) -> list[Recommendation]:
    """Every recommendation, in the items' order, the most serious of a question first."""
    out = []
    for it in items:
        if it.n < min_responses:
            continue
        behind = f"（{it.n} 人作答）"

        def add(kind: str, reason: str) -> None:
            out.append(Recommendation(it.id, kind, reason + behind, it.n, it.prompt, it.number))

        d = it.discrimination
        if d is not None and not math.isnan(d):
            if d < 0:
                add("negative_discrimination",
                    f"区分度为负（{d:.0f}）：总分高的人反而更容易答错，多半是题目、答案或选项有问题")
            elif d < NEAR_ZERO and FACILITY_LOW <= it.facility <= FACILITY_HIGH:
                add("weak_discrimination", f"区分度接近零（{d:.0f}）：答对答错和掌握程度几乎无关，可能靠猜或题意不清")
        if it.facility > FACILITY_HIGH:
            add("too_easy", f"太容易：{it.facility * 100:.0f}% 的人答对，区分不出谁会谁不会")
        elif it.facility < FACILITY_LOW:
            add("too_hard", f"太难：只有 {it.facility * 100:.0f}% 的人答对；先核对题目和答案，再看这一步是否没教到")
        if not it.ordering:
            for o in it.options:
                if not o.right and o.count == 0:
                    add("unused_distractor", f"干扰项「{_short(o.text)}」没有人选：换成新员工真可能做错的做法")
    return out


def _short(text: str, n: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
