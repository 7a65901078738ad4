"""Coverage: which procedures, steps and phrases of the drawn-on content appear in at least one question."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment
from markupsafe import Markup

from .. import standalone
from .assemble import Quiz


def coverage(quiz: Quiz, shared: dict[str, list[str]] | None = None) -> dict:
    """What the papers drill. ``shared`` (``practice.overlap``: exam question id -> where the site shows
    it as practice) adds the quiz's exam questions that are also practice, under "shared"."""
    covered_steps: set[tuple[str, int]] = set()
    covered_procs: set[str] = set()
    covered_phrases: set[str] = set()
    covered_scenarios: set[str] = set()
    ids: dict[tuple, set[str]] = {}  # (kind, id[, step]) -> the ids of the questions drilling it
    for paper in quiz.papers:
        for q in paper:
            for c in q.covers:
                ids.setdefault((c.kind, c.id, c.step), set()).add(q.id)
                if c.kind == "step":
                    covered_steps.add((c.id, c.step))
                    covered_procs.add(c.id)
                elif c.kind == "procedure":
                    covered_procs.add(c.id)
                elif c.kind == "phrase":
                    covered_phrases.add(c.id)
                elif c.kind == "scenario":
                    covered_scenarios.add(c.id)

    def drilled_by(kind: str, key: str, step: int = -1) -> list[str]:
        return sorted(ids.get((kind, key, step), ()))

    procs = []
    for p in quiz.pool.procedures:
        phrases = [i for i in quiz.pool.phrases if i.procedure == p.id]
        procs.append({
            "id": p.id, "title": p.title, "covered": p.id in covered_procs,
            "steps": [{"index": i + 1, "title": s.title, "covered": (p.id, i) in covered_steps,
                       "questions": drilled_by("step", p.id, i)} for i, s in enumerate(p.steps)],
            "phrases": [{"key": i.key, "text": i.text, "covered": i.key in covered_phrases,
                         "questions": drilled_by("phrase", i.key)} for i in phrases],
            "questions": drilled_by("procedure", p.id),
        })
    steps_total = sum(len(p["steps"]) for p in procs)
    steps_hit = sum(s["covered"] for p in procs for s in p["steps"])
    phr_total = len(quiz.pool.phrases)
    phr_hit = sum(i.key in covered_phrases for i in quiz.pool.phrases)
    out = {
        "title": quiz.spec.title, "spec": quiz.spec.stem, "seed": quiz.seed, "versions": len(quiz.papers),
        "summary": {
            "procedures": [sum(p["covered"] for p in procs), len(procs)],
            "steps": [steps_hit, steps_total],
            "phrases": [phr_hit, phr_total],
            "scenarios": [len(covered_scenarios), len(quiz.pool.scenarios)],
        },
        "procedures": procs,
        "scenarios": [{"id": s.id, "title": s.title, "covered": s.id in covered_scenarios,
                       "questions": drilled_by("scenario", s.id)} for s in quiz.pool.scenarios],
    }
    if shared is not None:
        out["shared"] = _shared(quiz, shared)
    return out


def _shared(quiz: Quiz, shared: dict[str, list[str]]) -> list[dict]:
    """This quiz's exam questions the site also shows as practice, in paper order (first version first)."""
    found: dict[str, dict] = {}
    for v, paper in enumerate(quiz.papers):
        for n, q in enumerate(paper, start=1):
            if q.id not in shared:
                continue
            entry = found.setdefault(q.id, {"number": n, "version": quiz.labels[v], "numbers": {}, "id": q.id,
                                            "prompt": q.prompt, "where": list(shared[q.id])})
            entry["numbers"][quiz.labels[v]] = n
    return list(found.values())


QID_CSS = (".qid{font:0.75em ui-monospace,monospace;color:#555;background:#f3f3f3;padding:0 .3em;"
           "margin-left:.4em;user-select:all;white-space:nowrap}")
"""Question ids, small and copied whole with one click (``user-select: all``)."""


def _pct(pair: list[int]) -> str:
    hit, total = pair
    return f"{hit}/{total}" + (f"（{round(100 * hit / total)}%）" if total else "")


def summary_html(cov: dict) -> str:
    s = cov["summary"]
    rows = [("流程", s["procedures"]), ("步骤", s["steps"]), ("规范用语", s["phrases"]), ("情景题/案例", s["scenarios"])]
    cells = "".join(f"<tr><td>{name}</td><td>{_pct(pair)}</td></tr>" for name, pair in rows)
    return f'<table class="pb-quiz-coverage"><thead><tr><th>内容</th><th>至少出现在一道题里</th></tr></thead><tbody>{cells}</tbody></table>'


def coverage_html(cov: dict) -> str:
    """The trainer's coverage report (``coverage.html`` in the quiz's folder)."""
    return _environment().get_template("quiz/coverage.html.j2").render(
        cov=cov, summary=Markup(summary_html(cov)), qid_css=Markup(QID_CSS))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return standalone.environment()


