"""Glossary tooltips that work in Chinese text.

Python-Markdown's ``abbr`` finds a term only between word boundaries (``\\bSA\\b``). Han characters
are word characters, so in 接车时铺三件套 or 成功的4S店 there is no boundary and the term is never
marked. This extension is ``abbr`` with one change: a boundary is required only on a side where
the term itself ends in a Latin letter or digit (so SA still is not found inside USA).
Use it as the Markdown extension ``generator.handbook.abbr`` with ``glossary: {term: title}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor

_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")


def term_pattern(term: str) -> str:
    left = r"(?<![A-Za-z0-9_])" if _ASCII_WORD.match(term[0]) else ""
    right = r"(?![A-Za-z0-9_])" if _ASCII_WORD.match(term[-1]) else ""
    return left + re.escape(term) + right


def terms_regex(terms: Iterable[str]) -> re.Pattern[str]:
    """One pattern for all terms, longest first (so 4S店 wins over 4S)."""
    return re.compile("|".join(term_pattern(t) for t in sorted(terms, key=len, reverse=True)))


class CjkAbbrTreeprocessor(AbbrTreeprocessor):
    def run(self, root: Any) -> Any:
        if not self.abbrs:
            return None
        self.RE = terms_regex(self.abbrs)
        self.iter_element(root)
        return None


class CjkAbbrExtension(AbbrExtension):
    def extendMarkdown(self, md: Any) -> None:
        super().extendMarkdown(md)
        md.treeprocessors.register(CjkAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


def makeExtension(**kwargs: Any) -> CjkAbbrExtension:
    return CjkAbbrExtension(**kwargs)
