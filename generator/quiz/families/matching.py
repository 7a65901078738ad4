"""Phrase ↔ situation: given the situation, pick the 规范用语 (wrong ones: its ``avoid`` wordings, other
phrases, those of the same domain first: ``nearby``)."""

from __future__ import annotations

from ..ids import question_id
from ..nearby import item_domain, phrase_groups, sample
from ..pool import Pool, all_phrase_items, cached
from ..question import Question, norm
from .cloze import _cite, _covers
from .common import choose_near, keep, rng_for

SAMPLE = 80  # distractor candidates looked at per question (keeps big contents fast)


def _by_when(items) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in items:
        out.setdefault(norm(o.when), []).append(o.text)
    return out


def generate(pool: Pool, seed: int) -> list[Question]:
    if not pool.phrases:
        return []
    everything = all_phrase_items(pool.content)
    by_when = cached(pool.content, "phrases_by_when", lambda: _by_when(everything))
    out = []
    for item in pool.phrases:
        qid = question_id("matching", item.source, item.when, item.text)
        rng = rng_for(seed, qid)
        same_when = by_when.get(norm(item.when), [])  # forbidden: those are right answers too
        others = sample(phrase_groups(pool.content, item_domain(pool.content, item)), rng, SAMPLE)
        wrong = choose_near(item.text, others, rng, preferred=item.avoid, forbid=same_when)
        if wrong is None:
            continue
        avoid_note = "；不要说：" + "、".join(f"“{a}”" for a in item.avoid if a in wrong) if any(
            a in wrong for a in item.avoid) else ""
        out.append(Question(
            id=qid, type="matching",
            prompt=f"情境：{item.when}。这时应该说哪一句？",
            options=(item.text, *wrong), answer=0,
            explanation=f"这个情境的规范用语是“{item.text}”{avoid_note}{_cite(pool, item)}",
            source=item.source,
            covers=_covers(item),
        ))
    return keep(out)
