"""Stable ASCII ids from Chinese titles (pinyin slugs), unique within one import."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

MAX_SYLLABLES = 8
MAX_LEN = 48
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "item") -> str:
    """`客户接待管理` -> `ke-hu-jie-dai-guan-li`; Latin and digits are kept, everything else dropped."""
    words: list[str] = []
    for part in lazy_pinyin(text, style=Style.NORMAL, errors="default"):
        for w in _NON_ALNUM.split(part.lower()):
            if w:
                words.append(w)
        if len(words) >= MAX_SYLLABLES:
            break
    slug = "-".join(words[:MAX_SYLLABLES])[:MAX_LEN].strip("-")
    return slug or fallback


class IdAllocator:
    """Hands out slugs that are unique across every kind (the checker's ids share one namespace)."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._used: set[str] = set(reserved)

    def take(self, text: str, fallback: str = "item") -> str:
        base = slugify(text, fallback)
        slug, n = base, 2
        while slug in self._used:
            slug = f"{base}-{n}"
            n += 1
        self._used.add(slug)
        return slug
