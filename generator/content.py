"""The content aggregate: everything under content/, validated (``loader.load_content`` makes it).
Renderers, quizzes and printables take a :class:`Content` without importing the YAML reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Domain, Phrase, Procedure, Role, Scenario, Term


@dataclass(frozen=True)
class Origin:
    """Where an item was written, for messages raised later (build, quiz)."""

    file: str
    line: int
    col: int


@dataclass
class Content:
    """Everything under content/, validated. Procedures, phrases and scenarios are sorted by id;
    roles and domains keep the order authors wrote them in (file order is sorted, so stable)."""

    root: Path
    procedures: dict[str, Procedure] = field(default_factory=dict)
    phrases: dict[str, Phrase] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    glossary: list[Term] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    _about: dict[str, list[Scenario]] | None = field(default=None, init=False, repr=False, compare=False)

    def origin(self, kind: str, item_id: str) -> Origin:
        return self.origins.get((kind, item_id), Origin(str(self.root), 1, 1))

    def scenarios_about(self, procedure_id: str) -> list[Scenario]:
        """Scenarios that name this procedure, in content order. Indexed on first use: pages and
        quizzes ask once per procedure, and scanning every scenario each time grows quadratically."""
        if self._about is None:
            about: dict[str, list[Scenario]] = {}
            for sc in self.scenarios.values():
                for pid in dict.fromkeys(sc.procedures):
                    about.setdefault(pid, []).append(sc)
            self._about = about
        return list(self._about.get(procedure_id, ()))

    def phrase_uses(self) -> dict[str, list[tuple[str, int]]]:
        """phrase id -> [(procedure id, step index)] in content order."""
        uses: dict[str, list[tuple[str, int]]] = {}
        for proc in self.procedures.values():
            for i, step in enumerate(proc.steps):
                for use in step.phrases:
                    if isinstance(use, str):
                        uses.setdefault(use, []).append((proc.id, i))
        return uses
