"""Where distractors come from: the question's own domain first, then related domains.

A wrong option taken from another trade gives the answer away (a real-estate cloze offering
「零件和工时费用」 from car repair). Each domain may name its ``trade`` in domains.yaml
(房地产, 汽车 …); a domain without one is general (礼仪, 投诉, 客户维护 serve every trade).

How near a source is to a question, nearest first:

0. the same domain;
1. a related domain: another domain of the same trade (for a general question: another
   general domain);
2. a general domain, or a source that belongs to no domain (a phrase no procedure uses);
   for a general question, any trade's domain;
3. another trade. Never used while anything nearer is there to draw on.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from ..content import Content
from .pool import PhraseItem, all_phrase_items, cached

SAME, RELATED, GENERAL, FOREIGN = range(4)


def trade(content: Content, domain: str) -> str:
    """The trade of a domain ("" for a general or unknown domain)."""
    d = content.domains.get(domain)
    return d.trade.strip() if d is not None else ""


def nearness(content: Content, question_domain: str, source_domains: Iterable[str]) -> int:
    """How near a source written in ``source_domains`` is to a question of ``question_domain``."""
    mine = trade(content, question_domain)
    best = None
    for d in source_domains:
        if d == question_domain:
            return SAME
        theirs = trade(content, d)
        rank = RELATED if theirs == mine else GENERAL if not mine or not theirs else FOREIGN
        best = rank if best is None else min(best, rank)
    return GENERAL if best is None else best


def phrase_domains(content: Content) -> dict[str, frozenset[str]]:
    """Phrase key -> the domains of the procedures that use it (empty for an unused phrase)."""
    return cached(content, "phrase_domains", lambda: _phrase_domains(content))


def _phrase_domains(content: Content) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for pid, uses in content.phrase_uses().items():
        out[pid] = {content.procedures[p].domain for p, _ in uses}
    for item in all_phrase_items(content):
        if "#" in item.key:  # an inline phrase lives in its one procedure
            out[item.key] = {content.procedures[item.procedure].domain}
    return {k: frozenset(v) for k, v in out.items()}


def item_domain(content: Content, item: PhraseItem) -> str:
    """The domain a phrase question is asked in: that of the procedure it was drawn from."""
    proc = content.procedures.get(item.procedure)
    return proc.domain if proc is not None else ""


def by_nearness(content: Content, question_domain: str, sources: Iterable[tuple[str, Iterable[str]]]
                ) -> list[list[str]]:
    """Texts grouped by how near their source is (``[same, related, general, foreign]``), each
    group sorted and without repeats; a text found in several sources counts at its nearest."""
    rank: dict[str, int] = {}
    for text, domains in sources:
        r = nearness(content, question_domain, domains)
        if r < rank.get(text, FOREIGN + 1):
            rank[text] = r
    groups: list[list[str]] = [[] for _ in range(FOREIGN + 1)]
    for text in sorted(rank):
        groups[rank[text]].append(text)
    return groups


def usable(groups: list[list[str]]) -> list[list[str]]:
    """The groups a question may draw on: another trade's text only when nothing nearer exists."""
    return groups[:FOREIGN] if any(groups[:FOREIGN]) else groups


def phrase_groups(content: Content, question_domain: str) -> list[list[str]]:
    """Texts of every phrase, grouped by nearness to a question of ``question_domain`` (usable ones)."""
    def make() -> list[list[str]]:
        domains = phrase_domains(content)
        return usable(by_nearness(content, question_domain,
                                  ((i.text, domains.get(i.key, ())) for i in all_phrase_items(content))))
    return cached(content, f"phrase_groups|{question_domain}", make)


def sample(groups: list[list[str]], rng: random.Random, size: int) -> list[list[str]]:
    """Up to ``size`` texts of each group, drawn at random (keeps big contents fast)."""
    return [[g[i] for i in sorted(rng.sample(range(len(g)), min(size, len(g))))] for g in groups]
