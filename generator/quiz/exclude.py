"""``exclude:`` in a quiz spec: questions a trainer took out, never drawn.

An entry is one of
- a question id as the key, the preview and coverage.html show it: ``next_step:sales-office-reception:3f9a1c``;
- a whole step, ``<procedure>#<N>`` (N counts from 1): every question drilling that step;
- a type on a content id, ``<type>:<procedure, phrase or scenario id>``: e.g. ``rule:sales-office-reception``
  (every must/never question about that procedure, its phrases' questions included for cloze/matching);
- a glob over ids (``*``, ``?``, ``[...]``, as in ``fnmatch``): ``timing:sales-office-reception:*``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .ids import parts
from .question import TYPES, Question

STEP = re.compile(r"^(?P<proc>[a-z0-9]+(?:-[a-z0-9]+)*)#(?P<n>[1-9][0-9]*)$")
_GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Exclusion:
    """One ``exclude:`` entry, ready to match questions."""

    entry: str

    @property
    def kind(self) -> str:
        """"step", "glob", "type" (a type on a content id) or "id"."""
        e = self.entry
        if STEP.match(e):
            return "step"
        if _GLOB.search(e):
            return "glob"
        qtype, about, digest = parts(e)
        return "type" if qtype in TYPES and about and not digest else "id"

    def matches(self, q: Question) -> bool:
        e, kind = self.entry, self.kind
        if kind == "step":
            m = STEP.match(e)
            assert m is not None
            return any(c.kind == "step" and c.id == m["proc"] and c.step == int(m["n"]) - 1 for c in q.covers)
        if kind == "glob":
            return fnmatchcase(q.id, e)
        if kind == "type":
            qtype, about, _ = parts(e)
            return q.type == qtype and (q.source == about or any(c.id == about for c in q.covers))
        return q.id == e


def exclusions(entries: Iterable[str]) -> tuple[Exclusion, ...]:
    return tuple(Exclusion(e.strip()) for e in entries if e.strip())


def excluded(q: Question, rules: Sequence[Exclusion]) -> bool:
    return any(r.matches(q) for r in rules)


def keep_drawable(questions: list[Question], rules: Sequence[Exclusion]) -> list[Question]:
    """The questions no rule takes out (order kept)."""
    if not rules:
        return questions
    return [q for q in questions if not excluded(q, rules)]


def unmatched(rules: Sequence[Exclusion], questions: Iterable[Question]) -> list[int]:
    """Indexes of the rules that match none of ``questions`` (stale ids, typos)."""
    left = set(range(len(rules)))
    for q in questions:
        if not left:
            break
        left -= {i for i in left if rules[i].matches(q)}
    return sorted(left)


def stale(rules: Sequence[Exclusion], every: dict[str, list[Question]],
          more_of: Callable[[list[str]], dict[str, list[Question]]]) -> list[int]:
    """Indexes of the rules matching no question of any type: ``every`` holds the questions of some
    types, ``more_of(types)`` makes those of the other types (asked only when a rule is still unmatched:
    an entry about a type the spec does not ask for now is not stale)."""
    left = unmatched(rules, (q for qs in every.values() for q in qs))
    others = [t for t in TYPES if t not in every]
    if left and others:
        more = [q for qs in more_of(others).values() for q in qs]
        left = [left[i] for i in unmatched([rules[i] for i in left], more)]
    return left
