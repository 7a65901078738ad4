"""The results model: what `playbook grade` writes to results.json and `playbook report` reads.

results.json = {"sheets": [Sheet...]}; a sheet is one trainee's answers to one version of a quiz.
Responses use the quiz JSON's own terms: ``chosen`` is a list of option indexes for a choice
question and the order (option indexes, first to last) for an ordering question.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

Flag = Literal["blank", "multiple", "unclear"]
FLAG_NAMES = {"blank": "未作答", "multiple": "多涂", "unclear": "看不清"}


@dataclass(frozen=True)
class Trainee:
    """Who answered: from the roster, the 工号 bubbles or the LMS export."""

    name: str = ""
    id: str = ""
    """工号"""
    store: str = ""
    role: str = ""


def zeros_apart(a: str, b: str) -> bool:
    """Two different 工号 of digits that are one number (00418 and 418): what Excel makes of an id
    typed into a number cell. Said in a message, never taken for the same person."""
    return a != b and a.isdigit() and b.isdigit() and a.lstrip("0") == b.lstrip("0")


@dataclass(frozen=True)
class Response:
    question: str
    """The question's id in quiz-<version>.json."""
    chosen: list[int]
    flag: Flag | None = None
    correct: bool = False


@dataclass(frozen=True)
class Sheet:
    quiz: str
    """The spec's file stem (e.g. new-hire-sales-office)."""
    version: str
    serial: str
    trainee: Trainee
    responses: list[Response]
    score: float
    """Percent of questions right, one decimal."""
    passed: bool
    source: str = ""
    """Where it came from: `scan.pdf 第 3 页`, `moodle.csv 第 5 行`."""
    title: str = ""
    fingerprint: str = ""

    @property
    def to_review(self) -> list[Response]:
        """Answers a person must decide (two marks, an unclear one); unanswered ones need no one."""
        return [r for r in self.responses if r.flag in ("multiple", "unclear")]


@dataclass(frozen=True)
class Results:
    sheets: list[Sheet] = field(default_factory=list)


def quiz_fingerprint(quiz: dict) -> str:
    """Short hash of what grading depends on: the questions, their options and answers."""
    core = [[q["id"], q["options"], q["answer"]] for q in quiz["questions"]]
    blob = json.dumps([quiz.get("spec"), quiz["version"], quiz.get("seed"), core], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10]


def is_correct(question: dict, chosen: list[int]) -> bool:
    answer = question["answer"]
    if isinstance(answer, list):
        return list(chosen) == list(answer)
    return list(chosen) == [answer]


def score_sheet(quiz: dict, chosen: dict[str, list[int]], flags: dict[str, Flag | None], *, serial: str,
                trainee: Trainee, source: str = "") -> Sheet:
    """Mark every question of ``quiz`` (a quiz-<version>.json dict); a flagged answer is not right
    until a person has decided it (corrections), and a question with no entry is blank."""
    responses = []
    for q in quiz["questions"]:
        picked = list(chosen.get(q["id"], []))
        flag = flags.get(q["id"])
        if flag is None and not picked:
            flag = "blank"
        responses.append(Response(q["id"], picked, flag, flag is None and is_correct(q, picked)))
    right = sum(r.correct for r in responses)
    score = round(100.0 * right / len(responses), 1) if responses else 0.0
    pass_mark = float(quiz.get("pass_mark", 60))
    return Sheet(quiz.get("spec") or "", quiz["version"], serial, trainee, responses, score, score >= pass_mark,
                 source, quiz.get("title", ""), quiz_fingerprint(quiz))


def rescore(sheet: Sheet, quiz: dict, decisions: dict[str, list[int] | None]) -> Sheet:
    """Apply a person's decisions (question id -> chosen, or None for 'no answer')."""
    chosen = {r.question: r.chosen for r in sheet.responses}
    flags: dict[str, Flag | None] = {r.question: r.flag for r in sheet.responses}
    for qid, picked in decisions.items():
        chosen[qid] = list(picked or [])
        flags[qid] = None if picked else "blank"
    fresh = score_sheet(quiz, chosen, flags, serial=sheet.serial, trainee=sheet.trainee, source=sheet.source)
    return replace(fresh, quiz=sheet.quiz or fresh.quiz)


def to_json(results: Results) -> bytes:
    return (json.dumps({"sheets": [asdict(s) for s in results.sheets]}, ensure_ascii=False, indent=2) + "\n").encode()

