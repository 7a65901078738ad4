"""Helpers for the results tests: the shipped quiz as JSON, and tables written the ways trainers get them."""

from __future__ import annotations

import csv
import io
import random
from functools import lru_cache
from pathlib import Path

from generator.loader import load_content
from generator.quiz.scoring import Results, Sheet, Trainee, score_sheet

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
QUIZZES = REPO / "quizzes"
SPEC = "new-hire-sales-office"
LETTERS = "ABCDEFGH"


@lru_cache(maxsize=1)
def shipped():
    content, problems = load_content(CONTENT)
    assert not [p for p in problems if p.is_error]
    return content


@lru_cache(maxsize=4)
def _quizzes(spec: str) -> dict[str, dict]:
    from generator.quiz.assemble import build_quiz
    from generator.quiz.spec import load_spec

    content = shipped()
    s, problems = load_spec(QUIZZES / f"{spec}.yaml", content)
    assert s is not None, problems
    quiz = build_quiz(content, s)
    return {label: quiz.to_json(i) for i, label in enumerate(quiz.labels)}


def quizzes(spec: str = SPEC) -> dict[str, dict]:
    import copy

    return copy.deepcopy(_quizzes(spec))


def random_answers(quiz: dict, rng: random.Random, skill: float) -> dict[str, list[int]]:
    """Answers of a trainee who knows each answer with probability ``skill``; some blanks."""
    out: dict[str, list[int]] = {}
    for q in quiz["questions"]:
        k = len(q["options"])
        if rng.random() < 0.05:
            continue
        ans = q["answer"]
        if rng.random() < skill:
            out[q["id"]] = list(ans) if isinstance(ans, list) else [ans]
        elif isinstance(ans, list):
            order = list(range(k))
            rng.shuffle(order)
            out[q["id"]] = order
        else:
            out[q["id"]] = [rng.randrange(k)]
    return out


def results_for(quizzes_: dict[str, dict], n: int, seed: int = 1) -> Results:
    rng = random.Random(seed)
    sheets: list[Sheet] = []
    labels = sorted(quizzes_)
    for i in range(n):
        quiz = quizzes_[labels[i % len(labels)]]
        t = Trainee(f"学员{i:03d}", f"E{i:04d}", ["一店", "二店"][i % 2], "置业顾问")
        sheets.append(score_sheet(quiz, random_answers(quiz, rng, rng.uniform(0.3, 0.95)), {}, serial=str(i + 1),
                                  trainee=t, source=f"test 第 {i + 1} 行"))
    return Results(sheets)


def letters_of(q: dict, chosen: list[int]) -> str:
    return "".join(LETTERS[i] for i in chosen)


def hand_rows(quiz_by_label: dict[str, dict], people: list[tuple[Trainee, str, dict[str, list[int]]]]) -> list[list[str]]:
    """The hand-filled table: 姓名, 工号, 门店, 岗位, 卷, then 第1题…"""
    width = max(len(q["questions"]) for q in quiz_by_label.values())
    rows = [["姓名", "工号", "门店", "岗位", "卷"] + [f"第{n}题" for n in range(1, width + 1)]]
    for t, label, answers in people:
        quiz = quiz_by_label[label]
        rows.append([t.name, t.id, t.store, t.role, label]
                    + [letters_of(q, answers.get(q["id"], [])) for q in quiz["questions"]])
    return rows


def moodle_rows(quiz: dict, people: list[tuple[Trainee, dict[str, list[int]]]], *, chinese: bool, order: list[int],
                question_text: bool = True, right: bool = False) -> list[list[str]]:
    """A Moodle Responses report download, as mod/quiz/report/responses writes it: user columns,
    time columns, the grade, then per slot Question n / Response n / Right answer n. ``order`` is
    the question order in Moodle (indexes into the quiz's questions): the trainer re-ordered them."""
    if chinese:
        head = ["姓氏", "名字", "电子邮件", "状态", "开始于", "完成", "用时", "成绩/22.00"]
        qh, rh, ah, done = "问题 {}", "回答 {}", "正确答案 {}", "已完成"
    else:
        head = ["Surname", "First name", "Email address", "State", "Started on", "Completed", "Time taken",
                "Grade/22.00"]
        qh, rh, ah, done = "Question {}", "Response {}", "Right answer {}", "Finished"
    for slot in range(1, len(order) + 1):
        if question_text:
            head.append(qh.format(slot))
        head.append(rh.format(slot))
        if right:
            head.append(ah.format(slot))
    rows = [head]
    for t, answers in people:
        surname, first = t.name[:1], t.name[1:]
        row = [surname, first, f"{t.id.lower()}@example.com", done, "2024年6月1日 09:00", "2024年6月1日 09:25",
               "25 分钟", "15.00"]
        for index in order:
            q = quiz["questions"][index]
            ordering = isinstance(q["answer"], list)
            if question_text:
                row.append(q["prompt"].replace("\n", " ") + ("" if ordering else ": " + "; ".join(q["options"])))
            picked = answers.get(q["id"], [])
            row.append("; ".join(q["options"][i] for i in picked) if picked else "-")
            if right:
                ans = q["answer"]
                row.append("; ".join(q["options"][i] for i in ans) if ordering else q["options"][ans])
        rows.append(row)
    rows.append(["Overall average" if not chinese else "总平均"] + [""] * (len(head) - 1))
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
