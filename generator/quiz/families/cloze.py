"""Phrase cloze: blank the key words of a 规范用语; wrong fillers from its ``avoid`` wordings and other
phrases, those of the same domain first (``nearby``)."""

from __future__ import annotations

import re

from ..ids import question_id
from ..keywords import blank_words, segments, words
from ..nearby import by_nearness, item_domain, phrase_domains, sample, usable
from ..pool import Pool, all_phrase_items, cached
from ..question import Cover, Question
from .common import choose_near, keep, rng_for

_CJK = re.compile(r"[\u4e00-\u9fff]")
SAMPLE = 80  # distractor candidates looked at per question (keeps big contents fast)


def filler_bank(pool: Pool, domain: str) -> list[list[str]]:
    """Words other phrases are drilled on (their blanks, else their key words), grouped by how near
    their phrase is to ``domain`` (see ``nearby``)."""
    return cached(pool.content, f"filler_bank|{domain}", lambda: _filler_bank(pool.content, domain))


def _filler_bank(content, domain: str) -> list[list[str]]:
    domains = phrase_domains(content)
    words_of = ((w, domains.get(item.key, ())) for item in all_phrase_items(content)
                for w in list(item.blanks) or list(words(item.text)[:2]))
    return usable(by_nearness(content, domain, words_of))


def generate(pool: Pool, seed: int) -> list[Question]:
    if not pool.phrases:
        return []
    out = []
    for item in pool.phrases:
        bank = filler_bank(pool, item_domain(pool.content, item))
        for word in (blank_words(item.text, item.blanks)):
            if not word or word not in item.text or len(word) == len(item.text):
                continue
            qid = question_id("cloze", item.source, item.text, word)
            rng = rng_for(seed, qid)
            from_avoid = [s for a in item.avoid for s in segments(a) if _CJK.search(s)]
            fits = [[w for w in group if not (w in item.text or w in word or word in w)]
                    for group in sample(bank, rng, SAMPLE)]
            wrong = choose_near(word, fits, rng,
                           preferred=[s for s in from_avoid if s not in item.text and len(s) <= len(word) + 3],
                           forbid=segments(item.text))
            if wrong is None:
                continue
            blanked = item.text.replace(word, "____")
            cite = _cite(pool, item)
            out.append(Question(
                id=qid, type="cloze",
                prompt=f"补全规范用语（{item.when}）：“{blanked}”",
                options=(word, *wrong), answer=0,
                explanation=f"规范用语原文：“{item.text}”{cite}",
                source=item.source,
                covers=_covers(item),
            ))
    return keep(out)


def _cite(pool: Pool, item) -> str:
    proc = pool.content.procedures.get(item.procedure)
    if proc is None:
        return "。"
    return f"（见{pool.step_ref(proc, item.step)}）。"


def _covers(item) -> tuple[Cover, ...]:
    covers = [Cover("phrase", item.key)]
    if item.procedure:
        covers.append(Cover("step", item.procedure, item.step))
    return tuple(covers)
