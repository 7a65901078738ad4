"""A person's decisions about flagged marks (saved from review.html), applied to results.

corrections.json = {"format": "playbook-corrections/1", "decisions": [
    {"quiz", "version", "serial", "question": <id>, "chosen": [<option indexes or order>] | []},
    {"quiz", "version", "serial", "trainee_id": "<工号>"}]}

The file is read through a schema (inputs.read_corrections): a decision with a bad field, one that
matches no sheet, names a question not on that sheet, or picks options the question does not have
(or, for an ordering question, not every option once), or gives a sheet the 工号 of another graded
sheet (the same person twice) is a G006 problem at its own line and is not applied; the others are.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..problems import Problem
from ..quiz.scoring import Sheet, Trainee, rescore
from .inputs import CORRECTIONS_FORMAT, Decision, check_decision, decision_from_dict
from .inputs import read_corrections as _read
from .tables import trainee_key

FORMAT = CORRECTIONS_FORMAT


def read_corrections(path: Path) -> tuple[list[Decision], list[Problem]]:
    """The decisions of ``path``, each checked field by field, and the problems (file:line:col)."""
    return _read(path)


def apply_corrections(sheets: list[Sheet], decisions: list[Decision] | list[dict[str, Any]], quizzes: dict[str, dict],
                      shown: str, roster: dict[str, Trainee]) -> tuple[list[Sheet], list[Problem]]:
    """Sheets with the decisions applied and rescored; a decision that cannot be applied is reported
    at its line and left out."""
    problems: list[Problem] = []
    by_key = {(s.quiz, s.version, s.serial): i for i, s in enumerate(sheets)}
    pending: dict[int, dict[str, tuple[Decision, list[int]]]] = {}
    out = list(sheets)
    for n, raw in enumerate(decisions, start=1):
        if isinstance(raw, Decision):
            d = raw
        else:
            d, bad = decision_from_dict(raw, shown, n)
            problems += bad
            if d is None:
                continue
        if not d.file:
            d = replace(d, file=shown)
        if d.key not in by_key:
            problems.append(d.problem(f"这条更正对不上任何一张答题卡（{d.version} 卷 序号 {d.serial}）；"
                                      "请用同一批扫描件批改时的复核页保存的更正", "decision for an unknown sheet"))
            continue
        i = by_key[d.key]
        if d.trainee_id is not None:
            trainee = roster.get(d.trainee_id) or Trainee(id=d.trainee_id)
            key = trainee_key(out[i].quiz, trainee)
            other = next((s for j, s in enumerate(out) if j != i and trainee_key(s.quiz, s.trainee) == key), None)
            if other is not None:  # the same person twice: counted once, never silently
                problems.append(d.problem(f"这条更正没有用上：工号 {d.trainee_id} 已经是{other.source or other.serial}的答卷，"
                                          "同一个人同一次测验只能计一次；请在复核页核对工号后重新保存",
                                          "staff id already on another sheet"))
                continue
            if roster and d.trainee_id not in roster:
                problems.append(d.problem(f"名单里没有工号 {d.trainee_id}；已按这个工号记下，请核对",
                                          "staff id not on the roster", "warning"))
            out[i] = replace(out[i], trainee=trainee)
            continue
        quiz = quizzes.get(out[i].version)
        qids = {r.question for r in out[i].responses}
        why = (f"题目 {d.question} 不在这张答题卡上" if d.question not in qids or quiz is None
               else check_decision(d, quiz))
        if why:
            problems.append(d.problem(f"这条更正没有用上：{why}；请在复核页重新选择后保存", "decision cannot be applied"))
            continue
        decided = pending.setdefault(i, {})
        if d.question in decided:
            first = decided[d.question][0]
            problems.append(d.problem(f"第 {first.line} 行已经更正过这道题；按这一条（后一条）算",
                                      "second decision for the same answer", "warning"))
        decided[d.question or ""] = (d, list(d.chosen or ()))
    for i, decided in pending.items():
        out[i] = rescore(out[i], quizzes[out[i].version], {qid: chosen for qid, (_d, chosen) in decided.items()})
    return out, problems
