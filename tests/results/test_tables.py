"""Reading answers from tables: Moodle Responses reports (Chinese and English, CSV and XLSX,
questions re-ordered) import to the same results as the hand-filled table; errors name row:column."""

from __future__ import annotations

import random
import re

import pytest

from generator.quiz.scoring import Trainee
from generator.results.tables import read_table, read_tables

from .helpers import hand_rows, moodle_rows, quizzes, random_answers, write_csv, write_xlsx

PEOPLE = [Trainee("张伟", "E001", "一店", "置业顾问"), Trainee("李娜", "E002", "一店", "置业顾问"),
          Trainee("王芳", "E003", "二店", "置业顾问"), Trainee("刘洋", "E004", "二店", "置业顾问")]


def _answers(label: str, seed: int = 7) -> list[tuple[Trainee, dict[str, list[int]]]]:
    rng = random.Random(seed)
    quiz = quizzes()[label]
    return [(t, random_answers(quiz, rng, 0.6)) for t in PEOPLE]


def _texts(sheets, qs) -> dict[str, tuple]:
    """name -> (score, passed, {question id: chosen option texts}) — independent of the version's option order."""
    out = {}
    for s in sheets:
        quiz = qs[s.version]
        byid = {q["id"]: q for q in quiz["questions"]}
        out[s.trainee.name] = (s.score, s.passed, {r.question: tuple(byid[r.question]["options"][i] for i in r.chosen)
                                                   for r in s.responses})
    return out


def _reordered(n: int) -> list[int]:
    order = list(range(n))
    order[0], order[5] = order[5], order[0]
    order[10], order[11] = order[11], order[10]
    order[-1], order[-3] = order[-3], order[-1]
    return order


def test_hand_table_reads_letters_and_orders(tmp_path):
    qs = quizzes()
    people = [(t, "B", a) for t, a in _answers("B")]
    sheets, problems = read_table(write_csv(tmp_path / "hand.csv", hand_rows(qs, people)), qs, None)
    assert [p.format() for p in problems] == []
    assert [s.trainee.name for s in sheets] == [t.name for t in PEOPLE]
    for s, (_, _, answers) in zip(sheets, people):
        assert s.version == "B"
        assert s.source == f"hand.csv 第 {sheets.index(s) + 2} 行"
        for r in s.responses:
            assert r.chosen == answers.get(r.question, [])
            assert (r.flag == "blank") == (r.question not in answers)


@pytest.mark.parametrize("chinese", [True, False])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_moodle_export_equals_hand_table(tmp_path, chinese, fmt):
    qs = quizzes()
    people = _answers("B")
    hand, hp = read_table(write_csv(tmp_path / "hand.csv", hand_rows(qs, [(t, "B", a) for t, a in people])), qs, None)
    assert hp == []
    quiz = qs["B"]
    rows = moodle_rows(quiz, people, chinese=chinese, order=_reordered(len(quiz["questions"])), right=not chinese)
    path = tmp_path / f"moodle.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(path, rows)
    sheets, problems = read_table(path, qs, None)
    assert [p.format() for p in problems] == []
    assert {s.version for s in sheets} == {"B"}
    assert _texts(sheets, qs) == _texts(hand, qs)
    assert [s.trainee.id for s in sheets] == [f"{t.id.lower()}@example.com" for t in PEOPLE]


def _sharing_options(quiz: dict) -> list[str]:
    """Ids of the questions offering an option text an earlier question of the paper offers too (the
    必须/严禁 questions, step titles in two step questions): a column of a few answers may fit both."""
    seen: set[str] = set()
    out = []
    for q in quiz["questions"]:
        if seen & set(q["options"]):
            out.append(q["id"])
        else:
            seen |= set(q["options"])
    return out


def test_moodle_default_download_with_repeated_option_sets_is_refused(tmp_path):
    """Moodle's default Responses download has no question text; the four 必须/严禁 questions share
    one option set, so which slot is which cannot be known (Moodle's order is the trainer's): the
    export is refused with the column to add, never graded by slot number."""
    qs = quizzes()
    quiz = qs["A"]
    n = len(quiz["questions"])
    for order in (list(range(n)), list(reversed(range(n)))):
        rows = moodle_rows(quiz, _answers("A", seed=3), chinese=True, order=order, question_text=False)
        sheets, problems = read_table(write_csv(tmp_path / "m.csv", rows), qs, None)
        assert sheets == []
        ambiguous = [p for p in problems if p.code == "T018"]
        rules = {n for n, q in enumerate(quiz["questions"], start=1) if q["type"] == "rule"}
        named = {int(x) for p in ambiguous for x in re.search(r"第 ([\d、]+) 题", p.message).group(1).split("、")}
        # the 必须/严禁 columns, and any other column whose few answers are options of two questions
        assert len(rules) >= 2 and rules <= named and all(p.is_error for p in ambiguous)
        assert "问题" in ambiguous[0].message and "重新下载" in ambiguous[0].message


def test_moodle_without_question_text_matched_by_unique_option_sets(tmp_path):
    """Without question text, slots in another order are matched when every option set is unique."""
    full = quizzes()
    rule_ids = _sharing_options(full["A"])  # the 必须/严禁 questions but one, and the like
    assert len(full["A"]["questions"]) - len(rule_ids) >= 8
    qs = {label: {**quiz, "questions": [q for q in quiz["questions"] if q["id"] not in rule_ids]}
          for label, quiz in full.items()}
    people = _answers("A", seed=3)
    quiz = qs["A"]
    people = [(t, {k: v for k, v in a.items() if k not in rule_ids}) for t, a in people]
    order = list(reversed(range(len(quiz["questions"]))))
    rows = moodle_rows(quiz, people, chinese=True, order=order, question_text=False)
    got = read_tables([write_csv(tmp_path / "m.csv", rows)], qs, None)
    hand, _ = read_table(write_csv(tmp_path / "h.csv", hand_rows(qs, [(t, "A", a) for t, a in people])), qs, None)
    assert got.problems == []
    assert _texts(got.sheets, qs) == _texts(hand, qs)
    assert any("按唯一的选项组合" in note for note in got.notes)


def test_moodle_roster_names_and_unfinished_attempts(tmp_path):
    qs = quizzes()
    people = _answers("A")
    rows = moodle_rows(qs["A"], people, chinese=True, order=list(range(22)))
    rows[2][3] = "进行中"
    roster = [Trainee("张伟", "zhang", "一店", "置业顾问")]
    sheets, problems = read_table(write_csv(tmp_path / "m.csv", rows), qs, roster)
    codes = sorted((p.code, p.line) for p in problems)
    assert ("T009", 3) in codes  # 李娜 has not submitted
    assert {c for c, _ in codes} == {"T009", "T012"}  # and the others are not on the roster (warnings)
    assert all(not p.is_error for p in problems)
    assert [s.trainee.name for s in sheets] == ["张伟", "王芳", "刘洋"]


def test_moodle_response_that_is_no_option(tmp_path):
    qs = quizzes()
    rows = moodle_rows(qs["A"], _answers("A"), chinese=False, order=list(range(22)))
    col = rows[0].index("Response 3")
    rows[1][col] = "完全不相干的回答"
    sheets, problems = read_table(write_csv(tmp_path / "m.csv", rows), qs, None)
    assert [(p.code, p.line, p.col) for p in problems] == [("T008", 2, col + 1)]
    assert any(r.flag == "unclear" for r in sheets[0].responses)


def test_gb18030_csv(tmp_path):
    qs = quizzes()
    people = [(t, "A", a) for t, a in _answers("A")]
    a, pa = read_table(write_csv(tmp_path / "u.csv", hand_rows(qs, people)), qs, None)
    b, pb = read_table(write_csv(tmp_path / "g.csv", hand_rows(qs, people), encoding="gb18030"), qs, None)
    assert pa == pb == []
    assert _texts(a, qs) == _texts(b, qs)


def test_hand_xlsx_with_errors_reported_with_row_and_column(tmp_path):
    qs = quizzes()
    width = max(len(q["questions"]) for q in qs.values())
    head = ["姓名", "工号", "门店", "卷"] + [f"第{n}题" for n in range(1, width + 1)] + ["签到"]
    head[4 + 2], head[4 + 4] = "Q3", "5"  # question columns may be written 3, Q3 or 第3题

    def row(name, tid, store, version, q3, q4, q5) -> list[object]:
        cells: list[object] = [name, tid, store, version] + [""] * width
        cells[4 + 2:4 + 5] = [q3, q4, q5]
        return cells

    rows: list[list[object]] = [head]
    rows.append(row("张伟", "E001", "一店", "A", "ａ", "b", "C"))         # full-width and lower case are fine
    rows.append(row("李娜", "E002", "一店", "A", "E", "B", "A"))         # E: no such option
    rows.append(row("", "E003", "二店", "A", "A", "B", "C"))             # no name
    rows.append(row("张伟", "E001", "一店", "A", "A", "B", "C"))         # listed twice
    rows.append(row("刘洋", "E004", "二店", "C", "A", "B", "C"))         # no version C
    rows.append(row("赵敏", 5, "二店", "b", 1, "A", ""))                 # a number where a letter belongs
    path = write_xlsx(tmp_path / "手填.xlsx", rows)
    sheets, problems = read_table(path, qs, None)
    got = [(p.code, p.line, p.col, p.severity) for p in problems]
    assert ("T002", 1, len(head), "warning") in got  # 签到: unknown column
    assert ("T003", 3, 7, "error") in got
    assert ("T004", 4, 1, "error") in got
    assert ("T005", 5, 1, "error") in got
    assert ("T006", 6, 4, "error") in got
    assert ("T003", 7, 7, "error") in got
    assert len([p for p in problems if p.is_error]) == 5
    lines = [p.format() for p in problems]
    assert any(line.startswith("手填.xlsx:3:7: error[T003]: ") or ":3:7: error[T003]: " in line for line in lines)
    names = [s.trainee.name for s in sheets]
    assert names == ["张伟", "李娜", "赵敏"]
    first = sheets[0]
    assert first.responses[2].chosen == [0] and first.responses[3].chosen == [1]
    assert first.responses[0].flag == "blank"
    assert sheets[2].trainee.id == "5" and sheets[2].version == "B"


def test_missing_question_columns_are_an_error_not_blanks(tmp_path):
    qs = quizzes()
    rows = [["姓名", "卷", "Q3", "第4题", "5"], ["张伟", "A", "A", "B", "C"], ["李娜", "B", "A", "B", "C"]]
    sheets, problems = read_table(write_csv(tmp_path / "t.csv", rows), qs, None)
    assert sheets == []
    missing = [p for p in problems if p.code == "T013"]
    assert [(p.line, p.severity) for p in missing] == [(1, "error"), (1, "error")]
    assert "没有批改" in missing[0].message


def test_unreadable_files(tmp_path):
    qs = quizzes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    assert [p.code for p in read_table(bad, qs, None)[1]] == ["T001"]
    weird = tmp_path / "w.csv"
    weird.write_bytes(b"\xff\xfe\x00\xd8" * 3 + b"\x81")
    assert [p.code for p in read_table(weird, qs, None)[1]] in (["T001"], ["T011"], ["T002", "T011"])
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    assert [p.code for p in read_table(empty, qs, None)[1]] == ["T011"]


def test_ordering_cells(tmp_path):
    qs = {"A": quizzes()["A"]}
    quiz = qs["A"]
    n = next(i for i, q in enumerate(quiz["questions"], 1) if q["type"] == "ordering")
    q = quiz["questions"][n - 1]
    right = "".join("ABCD"[i] for i in q["answer"])
    digits = "".join(str(i + 1) for i in q["answer"])
    head = ["姓名"] + [str(i) for i in range(1, len(quiz["questions"]) + 1)]

    def row(name: str, cell: str) -> list[str]:
        return [name] + [cell if i == n else "" for i in range(1, len(quiz["questions"]) + 1)]

    rows = [head, row("甲", right), row("乙", digits), row("丙", " → ".join(right)), row("丁", right[:2])]
    sheets, problems = read_table(write_csv(tmp_path / "o.csv", rows), qs, None)
    assert [s.responses[n - 1].correct for s in sheets] == [True, True, True, False]
    assert [(p.code, p.line) for p in problems] == [("T010", 5)]
