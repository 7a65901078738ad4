"""Numbers with units in Chinese SOP text: 提前三天, 最少7分钟, 不超过10%, 目送客户走出五米外.

``find_fact`` finds the first number+unit worth asking about; ``wrong_values`` proposes
plausible wrong numbers of the same unit; ``render`` writes a number back in the style
the author used (Chinese numerals stay Chinese, 两 stays 两).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "零〇一二两三四五六七八九十百千"
# Longest first so 分钟 wins over 分 and 个月 over 月.
UNITS = ["个工作日", "工作日", "个小时", "个星期", "个月", "小时", "分钟", "星期", "公里", "万元", "%", "％",
         "天", "日", "周", "月", "年", "秒", "次", "遍", "米", "套", "位", "名", "人", "点", "倍", "元", "岁", "分"]
# Units that make a fact worth asking about even outside the `timing` list.
STRONG_UNITS = {"个工作日", "工作日", "个小时", "个星期", "个月", "小时", "分钟", "星期", "公里", "%", "％",
                "天", "周", "年", "秒", "米", "倍"}
_POOLS = {
    "天": [1, 2, 3, 5, 7, 10, 15, 30], "日": [1, 2, 3, 5, 7, 10, 15, 30],
    "工作日": [1, 2, 3, 5, 7, 10], "个工作日": [1, 2, 3, 5, 7, 10],
    "小时": [1, 2, 3, 4, 6, 8, 12, 24, 48], "个小时": [1, 2, 3, 4, 6, 8, 12, 24, 48],
    "分钟": [1, 2, 3, 5, 7, 10, 15, 20, 30, 60], "秒": [3, 5, 10, 15, 20, 30, 60],
    "周": [1, 2, 3, 4, 6, 8], "星期": [1, 2, 3, 4, 6, 8], "个星期": [1, 2, 3, 4, 6, 8],
    "个月": [1, 2, 3, 6, 12], "月": [1, 2, 3, 6, 12], "年": [1, 2, 3, 5, 10],
    "%": [5, 10, 15, 20, 25, 30, 50, 80], "％": [5, 10, 15, 20, 25, 30, 50, 80],
    "点": list(range(1, 13)), "米": [1, 2, 3, 5, 8, 10, 20, 50], "公里": [1, 2, 3, 5, 10, 20, 50],
    "岁": [18, 20, 25, 30, 35, 40, 50, 60],
}
_GENERIC = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20]
_NUM = re.compile(rf"(\d+(?:\.\d+)?|[{_CN}]+)")
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_FACT = re.compile(rf"(?P<num>\d+(?:\.\d+)?|[{_CN}]+)(?P<unit>{_UNIT_RE})")
_LIST = re.compile(rf"(\d+|[{_CN}]+)({_UNIT_RE})?[、~～\-—至到或](\d+|[{_CN}]+)")


@dataclass(frozen=True)
class Fact:
    """A number with its unit found in a sentence."""

    sentence: str
    start: int  # where the number starts
    end: int  # where the unit ends
    value: int
    unit: str
    style: str  # "arabic" | "chinese" | "liang"

    @property
    def blanked(self) -> str:
        return self.sentence[:self.start] + "____" + self.sentence[self.end:]

    @property
    def shown(self) -> str:
        return self.sentence[self.start:self.end]


def parse_chinese(text: str) -> int | None:
    """'三' -> 3, '十二' -> 12, '二十五' -> 25, '一百零五' -> 105; None when it is not a plain numeral."""
    if not text or any(c not in _CN for c in text):
        return None
    if len(text) > 1 and all(c in _DIGITS for c in text):
        return None  # "一二" is a list, not a number
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        else:
            mult = {"十": 10, "百": 100, "千": 1000}[c]
            total += (current or 1) * mult
            current = 0
    return total + current


def parse_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return None  # decimals are rare in SOPs; do not ask about them
    return parse_chinese(text)


def find_fact(sentence: str, strong_only: bool = False) -> Fact | None:
    """The first askable number+unit in a sentence, or None."""
    if _LIST.search(sentence):
        return None  # "一、两天" or "3-5天": ranges and lists make poor single answers
    for m in _FACT.finditer(sentence):
        num, unit = m.group("num"), m.group("unit")
        if strong_only and unit not in STRONG_UNITS:
            continue
        before = sentence[max(0, m.start() - 1):m.start()]
        if before == "第" or before.isdigit():
            continue  # 第一次 is an ordinal
        if num in ("一", "两") and unit in ("次", "遍", "点", "位", "名", "人") and not strong_only:
            # 一次 / 两位 are usually words (进行一次回访), not facts to drill; keep only with strong units.
            continue
        value = parse_number(num)
        if value is None or value <= 0:
            continue
        if num.isdigit():
            style = "arabic"
        elif num == "两":
            style = "liang"
        else:
            style = "chinese"
        return Fact(sentence, m.start(), m.end(), value, unit, style)
    return None


def to_chinese(n: int, liang: bool) -> str:
    if n == 2 and liang:
        return "两"
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def render(fact: Fact, value: int) -> str:
    """``value`` with ``fact``'s unit, in the author's numeral style."""
    if fact.style == "arabic":
        return f"{value}{fact.unit}"
    return to_chinese(value, liang=fact.style == "liang" or fact.unit != "点") + fact.unit


def wrong_values(fact: Fact, rng: random.Random, count: int = 3) -> list[int]:
    """Plausible wrong numbers of the same unit: the closest ones from a unit-specific list."""
    pool = list(_POOLS.get(fact.unit, _GENERIC))
    v = fact.value
    extra = [v - 1, v + 1, v + 2, v * 2, max(1, v // 2)]
    cands = sorted({c for c in pool + extra if c > 0 and c != v and (fact.unit != "点" or c <= 12)})
    cands.sort(key=lambda c: (abs(c - v) / max(c, v), c))
    near = cands[:count + 2]
    rng.shuffle(near)
    return sorted(near[:count])
