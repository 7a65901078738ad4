"""Inputs a trainer may have edited by hand (results.json, corrections.json, the quiz folder) are read
through a schema: every hostile edit is one problem at its file:line with the right code, the good
parts are still read, and no input ends in a traceback or in a file written outside --out."""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from generator.commands.grade import load_quiz_dir
from generator.commands.report import load_results, quizzes_for
from generator.problems import ContentError
from generator.quiz.scoring import Trainee, quiz_fingerprint, score_sheet, to_json
from generator.results.corrections import apply_corrections, read_corrections
from generator.results.inputs import MAX_RESULTS_BYTES, read_quiz_json, read_results
from generator.results.redrill import redrill_path

from .helpers import CONTENT, QUIZZES, SPEC, hand_rows, quizzes, results_for, shipped, write_csv

CLI_IN_PROCESS = True
"""`cli` runs `playbook grade` and `report` through the CLI in this process: these tests are about
what they accept and refuse."""


def _sheets(n: int = 8) -> list[dict]:
    return json.loads(to_json(results_for(quizzes(), n, seed=3)))["sheets"]


def _one_per_line(path: Path, key: str, items: list, head: dict | None = None) -> Path:
    """``{"<key>": [\\n item,\\n item\\n]}``: item i is on line i + 2, so a problem's line says which item."""
    lead = "".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}, " for k, v in (head or {}).items())
    body = ",\n".join(json.dumps(x, ensure_ascii=False) for x in items)
    path.write_text("{" + lead + json.dumps(key) + ": [\n" + body + "\n]}\n", encoding="utf-8")
    return path


def _col(path: Path, line: int, needle: str) -> int:
    return path.read_text(encoding="utf-8").split("\n")[line - 1].index(needle) + 1


def _one_line_each(problems) -> None:
    for p in problems:
        assert "\n" not in p.format() and "\r" not in p.format()
        assert p.message and p.detail


# --- results.json ------------------------------------------------------------------------------------


def test_hostile_sheets_are_reported_at_their_field_and_the_rest_is_read(tmp_path):
    sheets = _sheets(10)
    bad = copy.deepcopy(sheets)
    bad[0]["responses"][0]["chosen"] = "A"
    bad[1]["score"] = "90"
    bad[2]["quiz"] = "../../x"
    bad[3]["trainee"]["name"] = "张\u0001三"
    bad[4]["responses"][1]["chosen"] = [99]
    del bad[5]["passed"]
    bad[6]["version"] = "a"
    bad[7]["responses"][2]["flag"] = "maybe"
    path = _one_per_line(tmp_path / "results.json", "sheets", bad)

    got, problems = read_results(path)
    _one_line_each(problems)
    assert [s.serial for s in got] == [sheets[8]["serial"], sheets[9]["serial"]]  # the good ones still read
    assert all(p.code == "T101" and p.is_error and p.file.endswith("results.json") for p in problems)
    at = {p.line: p for p in problems}
    assert sorted(at) == list(range(2, 10)), [p.format() for p in problems]
    expect = {2: "sheets[0].responses[0].chosen", 3: "sheets[1].score", 4: "sheets[2].quiz", 5: "sheets[3].trainee.name",
              6: "sheets[4].responses[1].chosen[0]", 7: "sheets[5].passed", 8: "sheets[6].version",
              9: "sheets[7].responses[2].flag"}
    for line, field in expect.items():
        assert at[line].detail.startswith(field + ":"), at[line].format()
    assert at[2].col == _col(path, 2, '"chosen": "A"')
    assert at[3].col == _col(path, 3, '"score": "90"')
    assert at[4].col == _col(path, 4, '"quiz": "../../x"') and "new-hire-sales-office" in at[4].message
    assert "控制字符" in at[5].message
    assert at[7].col == 1  # a missing key: the sheet it is missing from
    assert "第 2 张答卷" in at[3].message and "不加引号" in at[3].message


def test_structure_and_syntax_problems(tmp_path):
    cases = {
        "sheets_object.json": ('{\n  "sheets": {}\n}\n', 2, 3),
        "no_sheets.json": ('{"people": []}', 1, 1),
        "a_list.json": ("[1, 2]", 1, 1),
        "truncated.json": ('{"sheets": [\n  {"quiz": "new-hire-sales-office",\n   "version": "A"', 3, 18),
        "raw_control.json": ('{"sheets": [\n {"quiz": "a\x07b"}\n]}', 2, 13),
        "empty.json": ("  \n", 1, 1),
        "latin1.json": (None, 1, 26),
        "deep.json": ('{"sheets": ' + "[" * 50_000 + "]" * 50_000 + "}", 1, 1),
    }
    for name, (text, line, col) in cases.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes('{"sheets": [{"quiz": "caf\u00e9"}]}'.encode("latin-1"))
        else:
            path.write_text(text, encoding="utf-8")
        got, problems = read_results(path)
        _one_line_each(problems)
        assert got == [] and len(problems) == 1, (name, [p.format() for p in problems])
        p = problems[0]
        assert (p.code, p.line, p.col) == ("T101", line, col), (name, p.format())
    sheets, problems = load_results([tmp_path / "missing.json"])
    assert sheets == [] and [(p.code, p.line) for p in problems] == [("T101", 1)]


def test_huge_and_non_finite_numbers_and_repeated_keys(tmp_path):
    sheets = _sheets(5)
    path = _one_per_line(tmp_path / "results.json", "sheets", sheets)
    lines = path.read_text(encoding="utf-8").split("\n")
    score = f'"score": {json.dumps(sheets[0]["score"])}'
    lines[1] = lines[1].replace(score, '"score": 1e999')
    lines[2] = lines[2].replace('"chosen": [', '"chosen": [' + "9" * 5000 + ", ", 1)
    lines[3] = lines[3].replace(f'"score": {json.dumps(sheets[2]["score"])}', '"score": NaN')
    lines[4] = lines[4].replace('"passed": ', '"passed": true, "passed": ', 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    got, problems = read_results(path)
    _one_line_each(problems)
    assert [p.line for p in problems] == [2, 3, 4, 5], [p.format() for p in problems]
    assert all(p.code == "T101" and p.is_error for p in problems)
    assert problems[0].col == lines[1].index('"score": 1e999') + 1 and "1e999" in problems[0].message
    assert "写了两次" in problems[3].message
    assert [s.serial for s in got] == [sheets[4]["serial"]]


def test_results_given_twice_count_once_and_one_person_twice_is_refused(tmp_path):
    """`playbook report a.json a.json` (or a copy) counts every trainee once, said as a warning; the
    same person in two results files (two gradings of one class) is an error at the second sheet,
    never a second score in the statistics. Sheets naming nobody are not compared."""
    sheets = _sheets(4)
    first = _one_per_line(tmp_path / "results.json", "sheets", sheets)
    copy_ = tmp_path / "copy.json"
    copy_.write_bytes(first.read_bytes())
    got, problems = load_results([first, first, copy_])
    assert len(got) == 4
    assert [(Path(p.file).name, p.code, p.severity) for p in problems] == [("results.json", "T017", "warning"),
                                                                           ("copy.json", "T017", "warning")]
    anonymous = copy.deepcopy(sheets[3])
    anonymous["trainee"] = {"name": "", "id": "", "store": "", "role": ""}
    again = _one_per_line(tmp_path / "again.json", "sheets", [sheets[2], anonymous, anonymous])
    got, problems = load_results([first, again])
    assert [(Path(p.file).name, p.line, p.code, p.is_error) for p in problems] == [("again.json", 2, "T005", True)]
    assert "results.json 第 4 行" in problems[0].message and sheets[2]["trainee"]["name"] in problems[0].message
    assert problems[0].col == _col(again, 2, '"trainee"')


def test_oversized_results_are_refused_before_parsing(tmp_path):
    path = tmp_path / "results.json"
    with path.open("wb") as f:
        f.truncate(MAX_RESULTS_BYTES + 1)  # sparse: nothing to read, and it must not be read
    got, problems = read_results(path)
    assert got == [] and [(p.code, p.line, p.col) for p in problems] == [("T101", 1, 1)]
    assert "MB" in problems[0].message


def test_inconsistent_score_and_flagged_correct_are_errors(tmp_path):
    sheets = _sheets(3)
    sheets[0]["score"] = 99.0 if sheets[0]["score"] != 99.0 else 98.0
    j, flagged = next((j, r) for j, r in enumerate(sheets[1]["responses"]) if r["correct"])
    flagged["flag"] = "multiple"  # undecided, yet counted right
    path = _one_per_line(tmp_path / "results.json", "sheets", sheets)
    got, problems = read_results(path)
    by_line = {p.line: p for p in problems}
    assert by_line[2].is_error and by_line[2].detail.startswith("sheets[0].score")
    assert by_line[3].is_error and by_line[3].detail.startswith(f"sheets[1].responses[{j}].correct")
    assert [s.serial for s in got] == [sheets[2]["serial"]]


def test_chosen_beyond_the_question_options_is_reported_when_the_quiz_is_known(tmp_path):
    sheets = _sheets(4)
    quiz = quizzes()[sheets[1]["version"]]
    j = next(j for j, q in enumerate(quiz["questions"]) if not isinstance(q["answer"], list))
    r = next(x for x in sheets[1]["responses"] if x["question"] == quiz["questions"][j]["id"])
    if r["correct"]:  # keep the score consistent: only the option index is odd
        j = next(j for j, q in enumerate(quiz["questions"])
                 if not isinstance(q["answer"], list) and not next(
                     x for x in sheets[1]["responses"] if x["question"] == q["id"])["correct"])
        r = next(x for x in sheets[1]["responses"] if x["question"] == quiz["questions"][j]["id"])
    r.update(chosen=[7], flag=None, correct=False)
    path = _one_per_line(tmp_path / "results.json", "sheets", sheets)
    got, problems = load_results([path])
    assert problems == [] and len(got) == 4  # 7 is a letter (H); only the quiz knows there are 4 options
    _found, _specs, more = quizzes_for(got, shipped(), QUIZZES, [path])
    warned = [p for p in more if p.code == "T101"]
    assert len(warned) == 1 and warned[0].line == 3 and warned[0].is_error, [p.format() for p in more]
    assert warned[0].detail.startswith("sheets[1].responses[") and "只有 4 个选项" in warned[0].message


def test_broken_quiz_file_beside_results_is_a_warning_not_a_crash(tmp_path):
    path = tmp_path / "results.json"
    path.write_bytes(to_json(results_for(quizzes(), 2)))
    (tmp_path / "quiz-A.json").write_text('{"title": "x", "version": "A", "questions": [', encoding="utf-8")
    got, _ = load_results([path])
    _found, _specs, more = quizzes_for(got, None, QUIZZES, [path])
    bad = [p for p in more if p.file.endswith("quiz-A.json")]
    assert len(bad) == 1 and bad[0].severity == "warning" and bad[0].code == "G007"


# --- corrections.json --------------------------------------------------------------------------------


def _graded() -> tuple[list, dict]:
    qs = quizzes()
    quiz = qs["A"]
    chosen = {q["id"]: (list(q["answer"]) if isinstance(q["answer"], list) else [q["answer"]]) for q in quiz["questions"]}
    sheets = [score_sheet(quiz, chosen, {}, serial=str(n), trainee=Trainee(f"人{n}")) for n in (1, 2)]
    return sheets, qs


def test_bad_decisions_are_reported_at_their_line_and_the_rest_applied(tmp_path):
    sheets, qs = _graded()
    quiz = qs["A"]
    choice = next(q for q in quiz["questions"] if not isinstance(q["answer"], list))
    order = next(q for q in quiz["questions"] if isinstance(q["answer"], list))
    wrong = (choice["answer"] + 1) % len(choice["options"])
    key = {"quiz": SPEC, "version": "A", "serial": "1"}
    decisions = [
        {**key, "question": choice["id"], "chosen": [wrong]},             # line 2: applied
        {**key, "question": choice["id"], "chosen": [99]},                # 3: beyond A–Z
        {**key, "question": choice["id"], "chosen": [len(choice["options"])]},  # 4: beyond this question
        {**key, "question": "next_step:nowhere:1", "chosen": [0]},        # 5: not on the sheet
        {**key, "question": order["id"], "chosen": [0, 0, 1]},            # 6: not an order of all options
        {**key, "serial": "77", "question": choice["id"], "chosen": [0]},  # 7: no such sheet
        {**key, "serial": 2, "question": choice["id"], "chosen": [0]},    # 8: serial is text
        {**key, "question": choice["id"], "chosen": "B"},                 # 9: chosen is a list
        {**key, "trainee_id": "E0042"},                                   # 10: applied
        {**key, "quiz": "../../x", "trainee_id": "E1"},                   # 11: not a spec id
        {**key, "question": choice["id"], "chosen": [0], "note": "?"},    # 12: unknown field
    ]
    path = _one_per_line(tmp_path / "corrections.json", "decisions", decisions,
                         head={"format": "playbook-corrections/1"})
    read, problems = read_corrections(path)
    out, applied = apply_corrections(sheets, read, qs, "corrections.json", {})
    problems += applied
    _one_line_each(problems)
    assert all(p.code == "G006" and p.is_error and p.file.endswith("corrections.json") for p in problems)
    assert sorted(p.line for p in problems) == [3, 4, 5, 6, 7, 8, 9, 11, 12], [p.format() for p in problems]
    by_line = {p.line: p for p in problems}
    assert by_line[3].detail.startswith("decisions[1].chosen[0]")
    assert "只有 4 个选项" in by_line[4].message and "各写一次" in by_line[6].message
    fixed = next(r for r in out[0].responses if r.question == choice["id"])
    assert fixed.chosen == [wrong] and not fixed.correct and out[0].score < sheets[0].score
    assert out[0].trainee.id == "E0042"
    assert out[1] == sheets[1]


def test_a_staff_id_decision_never_makes_one_person_count_twice(tmp_path):
    """Giving a sheet the 工号 another graded sheet already has is refused at its line (the same
    person would count twice); an unknown 工号 with a roster is applied with a warning."""
    sheets, qs = _graded()
    sheets[1] = replace(sheets[1], trainee=Trainee("人2", "E0002"))
    key = {"quiz": SPEC, "version": "A"}
    path = _one_per_line(tmp_path / "corrections.json", "decisions",
                         [{**key, "serial": "1", "trainee_id": "E0002"},   # line 2: sheet 2 is E0002
                          {**key, "serial": "1", "trainee_id": "E0001"},   # 3: applied
                          {**key, "serial": "2", "trainee_id": "E0001"}],  # 4: sheet 1 is E0001 now
                         head={"format": "playbook-corrections/1"})
    read, problems = read_corrections(path)
    assert problems == []
    out, problems = apply_corrections(sheets, read, qs, "corrections.json", {})
    assert [(p.line, p.code, p.severity) for p in problems] == [(2, "G006", "error"), (4, "G006", "error")]
    assert "只能计一次" in problems[0].message
    assert [s.trainee.id for s in out] == ["E0001", "E0002"]
    roster = {"E0002": Trainee("人2", "E0002")}
    out, problems = apply_corrections(sheets, read[1:2], qs, "corrections.json", roster)
    assert [(p.line, p.severity) for p in problems] == [(3, "warning")] and out[0].trainee.id == "E0001"


def test_corrections_file_level_problems(tmp_path):
    for text, line in [('{"format": "playbook-corrections/1",\n "decisions": {}}', 2), ('{"decisions": []}', 1),
                       ('{"format": "playbook-corrections/1", "decisions": [\n', 2)]:
        path = tmp_path / "corrections.json"
        path.write_text(text, encoding="utf-8")
        read, problems = read_corrections(path)
        assert read == [] and [(p.code, p.line) for p in problems] == [("G006", line)], [p.format() for p in problems]


def test_grade_with_bad_corrections_through_the_cli(tmp_path, cli):
    qs = quizzes()
    qdir = tmp_path / "quiz"
    qdir.mkdir()
    for v, q in qs.items():
        (qdir / f"quiz-{v}.json").write_text(json.dumps(q, ensure_ascii=False, indent=1), encoding="utf-8")
    quiz = qs["A"]
    right = {q["id"]: (list(q["answer"]) if isinstance(q["answer"], list) else [q["answer"]]) for q in quiz["questions"]}
    table = write_csv(tmp_path / "table.csv", hand_rows(qs, [(Trainee("张伟", "E001", "一店", "置业顾问"), "A", right)]))
    choice = next(q for q in quiz["questions"] if not isinstance(q["answer"], list))
    key = {"quiz": SPEC, "version": "A", "serial": "table.csv#2"}
    corrections = _one_per_line(tmp_path / "corrections.json", "decisions",
                                [{**key, "question": choice["id"], "chosen": [99]},
                                 {**key, "question": choice["id"], "chosen": [5]}],
                                head={"format": "playbook-corrections/1"})
    r = cli("grade", str(table), "--quiz", str(qdir), "--corrections", str(corrections), "--out",
            str(tmp_path / "out"), cwd=tmp_path)
    assert r.code == 1 and "Traceback" not in r.err and "内部错误" not in r.err, r.err
    assert re.search(r"corrections\.json:2:\d+: error\[G006\]", r.err), r.err
    assert re.search(r"corrections\.json:3:1: error\[G006\]: .*只有 \d 个选项", r.err), r.err


# --- the quiz folder ---------------------------------------------------------------------------------


def _quiz_dir(tmp_path: Path, layouts: bool = False) -> Path:
    qdir = tmp_path / "quiz"
    qdir.mkdir()
    for v, q in quizzes().items():
        (qdir / f"quiz-{v}.json").write_text(json.dumps(q, ensure_ascii=False, indent=1), encoding="utf-8")
        if layouts:
            from generator.sheet.layout import sheet_layout
            from generator.sheet.sheet_files import layout_json

            layout = sheet_layout(q, roster=False, fingerprint=quiz_fingerprint(q))
            (qdir / f"sheet-{v}.json").write_bytes(layout_json(layout))
    return qdir


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if needle in line)


def test_quiz_json_fields_are_checked(tmp_path):
    qdir = _quiz_dir(tmp_path)
    assert set(load_quiz_dir(qdir).quizzes) == {"A", "B"}
    path = qdir / "quiz-A.json"
    good = json.loads(path.read_text(encoding="utf-8"))
    edits = {
        "answer out of range": lambda q: q["questions"][5].update(answer=9),
        "order not a permutation": lambda q: q["questions"][0].update(answer=[0, 0, 1, 2]),
        "answer as text": lambda q: q["questions"][6].update(answer="B"),
        "lower-case version": lambda q: q.update(version="a"),
        "spec with a path": lambda q: q.update(spec="../../x"),
        "no options": lambda q: q["questions"][7].update(options=[]),
    }
    for what, edit in edits.items():
        data = copy.deepcopy(good)
        edit(data)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        quiz, problems = read_quiz_json(path)
        assert quiz is None and problems and all(p.code == "G007" for p in problems), what
        _one_line_each(problems)
        with pytest.raises(ContentError) as exc:
            load_quiz_dir(qdir)
        assert any(p.file.endswith("quiz-A.json") and p.line > 1 for p in exc.value.problems), (what, exc.value)
    data = copy.deepcopy(good)
    data["questions"][5]["answer"] = 9
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    (problem,) = read_quiz_json(path)[1]
    assert problem.detail.startswith("questions[5].answer")
    text = path.read_text(encoding="utf-8").split("\n")
    assert '"answer": 9' in text[problem.line - 1]
    path.write_text(json.dumps(good, ensure_ascii=False)[:300], encoding="utf-8")  # truncated
    (problem,) = read_quiz_json(path)[1]
    assert problem.code == "G007" and problem.line == 1 and problem.col > 1


def test_layout_must_belong_to_its_quiz(tmp_path):
    qdir = _quiz_dir(tmp_path, layouts=True)
    assert set(load_quiz_dir(qdir).layouts) == {"A", "B"}
    quiz_path = qdir / "quiz-B.json"
    data = json.loads(quiz_path.read_text(encoding="utf-8"))
    q = next(q for q in data["questions"] if not isinstance(q["answer"], list))
    q["answer"] = (q["answer"] + 1) % len(q["options"])  # someone "fixed" the key by hand
    quiz_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_quiz_dir(qdir)
    (p,) = exc.value.problems
    assert p.code == "G007" and p.file.endswith("sheet-B.json") and p.detail.startswith("fingerprint")
    assert p.line == _line_of(qdir / "sheet-B.json", '"fingerprint"')
    (qdir / "sheet-B.json").unlink()
    quiz_path.write_text(json.dumps(quizzes()["B"], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_quiz_dir(qdir)
    assert "sheet-B.json" in exc.value.problems[0].message


# --- file names from data ------------------------------------------------------------------------------


def test_redrill_path_is_a_slug_inside_the_quizzes_folder(tmp_path):
    quizdir = tmp_path / "quizzes"
    quizdir.mkdir()
    assert redrill_path(quizdir, SPEC) == quizdir / f"{SPEC}-redrill.yaml"
    for bad in ("../../x", "a/b", "", "A", "x\x00"):
        with pytest.raises(ContentError) as exc:
            redrill_path(quizdir, bad)
        assert exc.value.problems[0].code == "T105"
    elsewhere = tmp_path / "elsewhere.yaml"
    os.symlink(elsewhere, quizdir / f"{SPEC}-redrill.yaml")
    with pytest.raises(ContentError):
        redrill_path(quizdir, SPEC)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("edit", ["traversal", "wrong types", "truncated", "huge"])
@pytest.mark.slow
def test_report_cli_refuses_hostile_results_without_writing(tmp_path, edit, cli):
    sheets = _sheets(4)
    if edit == "traversal":
        for s in sheets:
            s["quiz"] = "../../escaped"
        sheets[0]["title"] = "../../title"
    elif edit == "wrong types":
        sheets[0]["responses"][0]["chosen"] = "A"
        sheets[1]["score"] = "90"
    path = _one_per_line(tmp_path / "results.json", "sheets", sheets)
    if edit == "truncated":
        path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    elif edit == "huge":
        path.write_text(path.read_text(encoding="utf-8").replace('"chosen": [', '"chosen": [' + "9" * 400 + ", ", 1),
                        encoding="utf-8")
    before = _files(tmp_path)
    run = cli("report", "results.json", "--out", "out/report", "--content", str(CONTENT), "--quizzes", str(QUIZZES),
              "--redrill", cwd=tmp_path)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err and "内部错误" not in run.err, run.err
    assert "results.json:" in run.err and "error[T101]" in run.err
    assert _files(tmp_path) == before  # nothing written: not --out, not a chart, not a re-drill spec
    assert not (tmp_path.parent / "escaped-scores.svg").exists()


@pytest.mark.slow
def test_report_cli_names_charts_by_the_validated_spec_only(tmp_path, cli):
    sheets = _sheets(6)
    for s in sheets:
        s["title"] = "../../不是文件名\u202eexe.txt"  # a bidi override: the schema allows it, the terminal must not
    _one_per_line(tmp_path / "results.json", "sheets", sheets)
    before = _files(tmp_path)
    run = cli("report", "results.json", "--out", "out", "--content", str(CONTENT), "--quizzes", str(QUIZZES),
              cwd=tmp_path)
    assert run.code == 0 and "Traceback" not in run.err and "内部错误" not in run.err, run.err
    outside = {f for f in _files(tmp_path) - before if not (f == "out" or f.startswith("out/"))}
    assert outside == set(), outside
    charts = sorted(p.name for p in (tmp_path / "out" / "charts").iterdir())
    assert charts and all(name.startswith(f"{SPEC}-") for name in charts)
    assert "\u202e" not in run.out + run.err and "不是文件名\\u202eexe.txt" in run.out, run.out
