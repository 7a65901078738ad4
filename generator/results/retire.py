"""``playbook report --retire``: the recommended questions (:mod:`.recommend`) added to their spec's
``exclude:`` (a text edit keeping comments and order, with a backup: ``quiz.spec_edit``), never one the
current content no longer makes, and never so many that the spec could not be drawn any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content import Content
from ..quiz.candidates import candidates
from ..quiz.spec import QuizSpec
from ..quiz.spec_edit import Entry, add_excludes
from .analysis import TestAnalysis
from .recommend import Recommendation


@dataclass(frozen=True)
class Retired:
    """What ``retire`` did: ids added to the spec, and ids left out with the reason."""

    added: list[str]
    skipped: list[tuple[str, str]]


def retire(spec_path: Path, spec: QuizSpec, content: Content, recs: list[Recommendation]) -> Retired:
    """Add the recommended ids to the spec's ``exclude:`` (comment: the reason), keeping the spec drawable."""
    cands = candidates(content, spec)
    current = {q.id for qs in cands.every.values() for q in qs}
    reasons: dict[str, str] = {}
    for r in recs:
        reasons.setdefault(r.id, r.reason)
    accepted: list[str] = []
    skipped: list[tuple[str, str]] = []
    for qid in reasons:
        if qid in spec.exclude:
            continue
        if qid not in current:
            skipped.append((qid, "现在的内容出不了这道题了（内容改过，或已不在出题范围里）"))
            continue
        refused = cands.refusal(accepted + [qid], spec)
        if refused:
            skipped.append((qid, refused))
            continue
        accepted.append(qid)
    added = add_excludes(spec_path, [Entry(q, "建议复核：" + reasons[q]) for q in accepted]) if accepted else []
    return Retired(added, skipped)


def retire_tests(tests: list[TestAnalysis], specs: dict[str, QuizSpec], content: Content | None,
                 quizzes_dir: Path) -> list[str]:
    """``playbook report --retire``: for every test whose spec is known, add its recommended ids to the
    spec's ``exclude:``; returns the lines to print (what was added, what was left out and why)."""
    lines = []
    for t in tests:
        spec = specs.get(t.spec)
        if spec is None or content is None:
            lines.append(f"「{t.title}」找不到测验规格或内容，没有排除任何题")
            continue
        path = quizzes_dir / f"{t.spec}.yaml"
        done = retire(path, spec, content, t.recommendations)
        if done.added:
            lines.append(f"「{t.title}」{len(done.added)} 道题写进 {path} 的 exclude（备份 {path.name}.bak）："
                         + "、".join(done.added))
        else:
            lines.append(f"「{t.title}」没有要排除的题（至少 {t.min_responses} 人作答的题才会建议复核）")
        lines += [f"  没有排除 {qid}：{why}" for qid, why in done.skipped]
    return lines
