"""Domain words for jieba, so Material's search keeps 三件套, 五项确认 or 4S店 whole."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..loader import Content

_HAN = re.compile(r"[\u3400-\u9fff]")
# High frequency so jieba prefers our words over its own splits.
FREQ = 100000


def domain_words(content: Content) -> list[str]:
    """Glossary terms and aliases, role and domain names, tags, phrase blanks and step keywords."""
    words: set[str] = set()
    for term in content.glossary:
        words.update([term.term, *term.aliases])
    for role in content.roles.values():
        words.update([role.name, *role.aliases])
    for domain in content.domains.values():
        words.add(domain.name)
    for proc in content.procedures.values():
        words.update(proc.tags)
        for step in proc.steps:
            words.update(step.keywords)
    for ph in content.phrases.values():
        words.update(ph.blanks)
        words.update(ph.tags)
    for sc in content.scenarios.values():
        words.update(sc.tags)
    # jieba's user dictionary is whitespace-separated: a word must be one token with some Han in it.
    cleaned = {w.strip() for w in words}
    return sorted(w for w in cleaned if w and _HAN.search(w) and not re.search(r"\s", w) and len(w) <= 12)


def jieba_userdict(words: Iterable[str]) -> str:
    """jieba's user dictionary of these words (``domain_words``)."""
    return "".join(f"{w} {FREQ}\n" for w in words)
