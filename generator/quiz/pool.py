"""What a quiz draws on: the selected procedures, the phrases they use, the scenarios about them.

Phrases are flattened into ``PhraseItem`` (a phrase id, or an inline phrase keyed by its place),
each remembering the procedure step it belongs to, so explanations can cite the step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content import Content
from ..model import InlinePhrase, Procedure, Scenario


@dataclass(frozen=True)
class PhraseItem:
    """A 规范用语 as a quiz sees it."""

    key: str  # phrase id, or "<procedure>#s<step>p<n>" for an inline phrase
    text: str
    when: str
    avoid: tuple[str, ...] = ()
    blanks: tuple[str, ...] = ()
    procedure: str = ""  # first procedure that uses it ("" when none)
    step: int = -1

    @property
    def source(self) -> str:
        return self.key if "#" not in self.key else self.procedure


@dataclass
class Pool:
    """The drawn-on content plus the whole content (distractors may come from anywhere)."""

    content: Content
    procedures: list[Procedure] = field(default_factory=list)
    phrases: list[PhraseItem] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def flows(self) -> list[Procedure]:
        """The procedures whose steps come in an order (``kind: flow``): the only ones order
        questions (ordering, which step comes next) may ask about. A ``kind: rules`` list of
        principles or duties has items, not steps one after another."""
        return [p for p in self.procedures if p.kind == "flow"]

    def step_ref(self, proc: Procedure, index: int) -> str:
        """《售楼处客户接待》第 8 步「礼貌送客至销售中心大门口」"""
        return f"《{proc.title}》第 {index + 1} 步「{proc.steps[index].title}」"


def phrase_items(content: Content, procs: list[Procedure]) -> list[PhraseItem]:
    """Phrases used by these procedures, in procedure and step order, each once."""
    out: list[PhraseItem] = []
    seen: set[str] = set()
    for proc in procs:
        for si, step in enumerate(proc.steps):
            for pi, use in enumerate(step.phrases):
                if isinstance(use, InlinePhrase):
                    key = f"{proc.id}#s{si + 1}p{pi + 1}"
                    item = PhraseItem(key, use.text, use.when or step.title, procedure=proc.id, step=si)
                else:
                    ph = content.phrases.get(use)
                    if ph is None or use in seen:
                        continue
                    key = use
                    item = PhraseItem(key, ph.text, ph.when, tuple(ph.avoid), tuple(ph.blanks), proc.id, si)
                if key not in seen:
                    seen.add(key)
                    out.append(item)
    return out


_CACHE: dict[tuple[int, str], tuple[Content, object]] = {}


def cached(content: Content, name: str, make):
    """Per-content memo (content objects are not hashable): the last few contents are remembered."""
    key = (id(content), name)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is content:
        return hit[1]
    if len(_CACHE) > 16:
        _CACHE.clear()
    value = make()
    _CACHE[key] = (content, value)
    return value


def all_phrase_items(content: Content) -> list[PhraseItem]:
    """Every phrase in the content (used ones with their step, unused ones on their own)."""
    return cached(content, "all_phrase_items", lambda: _all_phrase_items(content))


def _all_phrase_items(content: Content) -> list[PhraseItem]:
    items = phrase_items(content, list(content.procedures.values()))
    used = {i.key for i in items}
    for ph in content.phrases.values():
        if ph.id not in used:
            items.append(PhraseItem(ph.id, ph.text, ph.when, tuple(ph.avoid), tuple(ph.blanks)))
    return items


def select(content: Content, procedures=(), tags=(), roles=(), domains=(), scenarios=()) -> Pool:
    """Procedures named, or carrying one of the tags / roles / domains; scenarios named or about them."""
    want_p, want_t, want_r, want_d = set(procedures), set(tags), set(roles), set(domains)
    procs = [p for p in content.procedures.values()
             if p.id in want_p or want_t & set(p.tags) or want_r & set(p.roles) or p.domain in want_d]
    ids = {p.id for p in procs}
    want_s = set(scenarios)
    scs = [s for s in content.scenarios.values()
           if s.id in want_s or ids & set(s.procedures) or (want_r & set(s.roles) and not s.procedures)]
    pool = Pool(content, procs, phrase_items(content, procs), scs)
    return pool


def for_procedure(content: Content, procedure_id: str) -> Pool:
    proc = content.procedures[procedure_id]
    return Pool(content, [proc], phrase_items(content, [proc]), content.scenarios_about(procedure_id))
