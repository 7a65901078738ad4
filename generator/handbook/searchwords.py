"""Words search works with: domain words for jieba (三件套, 五项确认, 4S店), and the stop words and
synonym groups the search worker applies to a typed query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..content import Content

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
        words.update(proc.tags)  # not its aliases: phrases (接手离职同事的客户) jieba cuts into words
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


# Words a typed question is made of that say nothing about the page wanted: search drops them
# (search-query.js). Single characters only where they are function words, never a content word.
STOP_WORDS = (
    "怎么", "怎么样", "怎样", "什么", "如何", "哪些", "哪个", "哪里", "为什么", "为何", "是否", "多久",
    "能不能", "要不要", "会不会", "是不是", "有没有", "可不可以", "应该", "需要", "可以", "时候", "的时候",
    "我们", "你们", "他们", "一下", "有关", "关于", "请问",
    "的", "地", "得", "了", "着", "是", "请", "给", "吗", "呢", "吧", "啊", "呀", "把", "被", "和", "与",
    "及", "或", "在", "我", "你", "他", "她", "要", "该", "能", "会", "就", "都", "也", "还", "又", "很",
    "几", "谁", "哪", "啥", "么", "做", "干", "来", "去",
)
_FORM = re.compile(r"^[\u3400-\u9fffA-Za-z0-9]+$")


def synonym_groups(content: Content) -> list[list[str]]:
    """The forms of one thing (a glossary term and its aliases, a role's name and aliases),
    lowercased as the search index has them: a query for one form also finds the others."""
    groups = [[t.term, *t.aliases] for t in content.glossary]
    groups += [[r.name, *r.aliases] for r in content.roles.values()]
    out: list[list[str]] = []
    for group in groups:
        forms = list(dict.fromkeys(f.strip().lower() for f in group if _FORM.match(f.strip())))
        joined = [g for g in out if set(g) & set(forms)]  # SA is a term and a role's alias: one group
        for g in joined:
            out.remove(g)
            forms = list(dict.fromkeys(g + forms))
        if len(forms) > 1:
            out.append(forms)
    return out


def absent_forms(content: Content, groups: Iterable[Iterable[str]]) -> list[str]:
    """Forms no procedure, phrase or scenario has (what staff say, 首付, where the text says
    首期房款): a query for one of them finds the others, but they are not searched for."""
    items = [*content.procedures.values(), *content.phrases.values(), *content.scenarios.values()]
    text = "\n".join(item.model_dump_json() for item in items).lower()
    return sorted({form for group in groups for form in group if form not in text})


def page_aliases(content: Content) -> dict[str, list[str]]:
    """Each procedure's aliases by its page (``procedures/<id>``), for its search entry."""
    return {f"procedures/{p.id}": list(p.aliases) for p in content.procedures.values() if p.aliases}


def query_settings(content: Content) -> dict[str, Any]:
    """What the search worker reads from the index at set-up (``config.playbook``)."""
    groups = synonym_groups(content)
    return {"stop": list(STOP_WORDS), "synonyms": groups, "absent": absent_forms(content, groups)}
