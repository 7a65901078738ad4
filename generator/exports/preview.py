"""``playbook quiz SPEC --preview``: every question the spec can draw, on one page for the trainer.

Grouped by type and by the step each question drills, each with its id, answer and explanation and
a checkbox. A small script turns the checked ones into the ``exclude:`` block to paste into the spec
(or to pass to ``--write-exclude``). Questions the spec already excludes are shown too, checked, so
the block the page writes is the spec's whole list.
"""

from __future__ import annotations

from ..quiz.candidates import Candidates
from ..quiz.drawable import available
from ..quiz.exclude import stale
from ..quiz.pool import Pool
from ..quiz.question import LETTERS, TYPES, Question
from ..quiz.spec import QuizSpec
from ..quiz.spec_edit import comment, scalar
from .paper import environment

PREVIEW = "preview.html"
"""The preview's file name: written by ``playbook quiz --preview`` and into the trainers' pack."""


def _group(pool: Pool, q: Question) -> tuple[tuple, str]:
    """(sort key, heading) of the step (else procedure, else scenario) a question drills."""
    order = {p.id: i for i, p in enumerate(pool.procedures)}
    procs = {p.id: p for p in pool.procedures}
    for c in q.covers:
        if c.kind == "step" and c.id in procs and 0 <= c.step < len(procs[c.id].steps):
            return (0, order[c.id], c.step, ""), pool.step_ref(procs[c.id], c.step)
    for c in q.covers:
        if c.kind == "procedure" and c.id in procs:
            return (0, order[c.id], 10**6, ""), f"《{procs[c.id].title}》整个流程"
    scs = {s.id: s for s in pool.scenarios}
    if q.source in scs:
        return (1, 0, 0, q.source), f"《{scs[q.source].title}》"
    return (2, 0, 0, q.source), q.source


def _answer(q: Question) -> str:
    if q.is_ordering:
        return " → ".join(f"{LETTERS[i]}「{q.options[i]}」" for i in q.answer)  # type: ignore[union-attr]
    return f"{LETTERS[q.answer]}「{q.options[q.answer]}」"  # type: ignore[index]


def preview_data(cands: Candidates, spec: QuizSpec, spec_file: str) -> dict:
    """The page as plain data (what the template renders)."""
    counts = spec.counts()
    sections = []
    for t, questions in cands.every.items():
        groups: dict[tuple, dict] = {}
        for q in questions:
            key, heading = _group(cands.pool, q)
            by = cands.excluded_by(q)
            groups.setdefault(key, {"heading": heading, "questions": []})["questions"].append({
                "id": q.id, "lines": q.prompt.split("\n"), "answer": _answer(q), "explanation": q.explanation,
                "ordering": q.is_ordering,
                "options": [{"letter": LETTERS[i], "text": o,
                             "right": (i in q.answer) if q.is_ordering else i == q.answer}  # type: ignore[operator]
                            for i, o in enumerate(q.options)],
                "excluded_by": by, "by_pattern": bool(by) and by != q.id,
                "yaml": scalar(q.id), "comment": comment(q.prompt.replace("\n", " ")),
            })
        drawable = len(cands.drawable(t))
        sections.append({"type": t, "name": TYPES[t], "asked": counts[t], "total": len(questions),
                         "drawable": drawable, "short": drawable < counts[t],
                         "groups": [groups[k] for k in sorted(groups)]})
    shown = {q.id for qs in cands.every.values() for q in qs}
    dead = set(stale(cands.rules, cands.every, lambda others: available(cands.pool, cands.seed, others)))
    # what the checkboxes do not stand for (patterns, ids of types not asked, stale ids) is kept as written
    kept = [{"entry": r.entry, "yaml": scalar(r.entry), "stale": i in dead} for i, r in enumerate(cands.rules)
            if not (r.kind == "id" and r.entry in shown)]
    return {
        "title": spec.title, "spec_file": spec_file, "seed": cands.seed,
        "total": sum(s["total"] for s in sections), "drawable": sum(s["drawable"] for s in sections),
        "sections": sections, "kept": kept,
    }


def preview_html(cands: Candidates, spec: QuizSpec, spec_file: str) -> str:
    return environment().get_template("quiz/preview.html.j2").render(**preview_data(cands, spec, spec_file))
