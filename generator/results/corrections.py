"""A person's decisions about flagged marks (saved from review.html), applied to results.

corrections.json = {"format": "playbook-corrections/1", "decisions": [
    {"quiz", "version", "serial", "question": <id>, "chosen": [<option indexes or order>] | []},
    {"quiz", "version", "serial", "trainee_id": "<工号>"}]}
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..problems import Problem, display_path
from .model import Sheet, Trainee, rescore

FORMAT = "playbook-corrections/1"


def read_corrections(path: Path) -> tuple[list[dict], list[Problem]]:
    shown = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        col = getattr(exc, "colno", 1)
        return [], [Problem(shown, line, col, "G006", "更正文件读不了：请给复核页（review.html）保存的 corrections.json",
                            f"cannot read corrections: {exc}")]
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("decisions"), list):
        return [], [Problem(shown, 1, 1, "G006", "这不是复核页保存的更正文件", "not a corrections file")]
    return data["decisions"], []


def apply_corrections(sheets: list[Sheet], decisions: list[dict], quizzes: dict[str, dict], shown: str,
                      roster: dict[str, Trainee]) -> tuple[list[Sheet], list[Problem]]:
    """Sheets with the decisions applied and rescored; a decision that matches no sheet is reported."""
    problems: list[Problem] = []
    by_key = {(s.quiz, s.version, s.serial): i for i, s in enumerate(sheets)}
    pending: dict[int, dict[str, list[int] | None]] = {}
    out = list(sheets)
    for n, d in enumerate(decisions, start=1):
        key = (str(d.get("quiz", "")), str(d.get("version", "")), str(d.get("serial", "")))
        if key not in by_key:
            problems.append(Problem(shown, n, 1, "G006", f"第 {n} 条更正对不上任何一张答题卡（{key[1]} 卷 序号 {key[2]}）",
                                    "decision for an unknown sheet"))
            continue
        i = by_key[key]
        if "trainee_id" in d:
            staff_id = str(d["trainee_id"]).strip()
            out[i] = replace(out[i], trainee=roster.get(staff_id) or Trainee(id=staff_id))
            continue
        qids = {r.question for r in out[i].responses}
        chosen = d.get("chosen")
        if d.get("question") not in qids or not isinstance(chosen, list) or not all(isinstance(c, int) for c in chosen):
            problems.append(Problem(shown, n, 1, "G006", f"第 {n} 条更正的题目或答案不对", "bad decision"))
            continue
        pending.setdefault(i, {})[d["question"]] = chosen
    for i, decided in pending.items():
        out[i] = rescore(out[i], quizzes[out[i].version], decided)
    return out, problems
