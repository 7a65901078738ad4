"""Answers from a table: a Moodle quiz *Responses* report, or a table a trainer fills by hand.

Both come as .csv (UTF-8, with or without BOM, or GB18030 as Chinese Excel saves it) or .xlsx.
Every row becomes a :class:`Sheet` scored by :func:`score_sheet`; everything that cannot be read
is a :class:`Problem` naming the row and column (nothing is dropped silently).

The Moodle layout, as Moodle's own code writes it (mod/quiz/report/responses/report.php,
``add_user_columns`` / ``add_time_columns`` / ``add_grade_columns`` in
mod/quiz/report/attemptsreport.php, and ``other_cols`` in
mod/quiz/report/responses/last_responses_table.php):

    Surname | First name | [identity fields: Email address, ID number, Institution, Department…]
    | State | Started on | Completed | Time taken | Grade/10.00
    | then per question slot n, each when shown: Question n | Response n | Right answer n

Downloads hold plain text: ``Question n`` is the question summary (the question text, then for
multichoice ``: `` and the choices joined by ``; ``), ``Response n`` the response summary (the
chosen choice's text for multichoice; for the ordering type the items in the order given) and
``Right answer n`` the right answer's text; ``-`` means no response. With the Chinese language
pack the headers read 姓氏, 名字, 电子邮件, 状态, 开始于, 完成, 用时, 成绩/10.00, 问题 n, 回答 n,
正确答案 n. Slot numbers are Moodle's, which the trainer may have re-ordered, so each column is
matched to our question by its text (and by which options its responses are), never by number
alone.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, display_path
from .model import Flag, Sheet, Trainee, score_sheet

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# --- reading cells -------------------------------------------------------------------------------


@dataclass
class Table:
    """Rows of text cells; ``rows[i]`` is line/row ``i + 1`` of the file."""

    file: str
    rows: list[list[str]]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def load_rows(path: Path, shown: str) -> tuple[Table | None, list[Problem]]:
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, 1, "T001", f"读不了这个文件：{exc.strerror or exc}", "cannot read file")]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = wb.get_sheet_by_index(0)
            raw = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for broken files
            return None, [Problem(shown, 1, 1, "T001", "不是能打开的 Excel 文件（.xlsx）；请用 Excel 另存为 .xlsx 再试",
                                  f"cannot open workbook: {type(exc).__name__}")]
        return Table(shown, [[_cell(v) for v in row] for row in raw]), []
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None, [Problem(shown, 1, 1, "T001", "文件编码认不出（不是 UTF-8 也不是 GB18030）；请用 Excel 另存为“CSV UTF-8”",
                              "not UTF-8 or GB18030")]
    sample = text[:4096]
    delimiter = ","
    if "\t" in sample.split("\n", 1)[0] and sample.count("\t") > sample.count(","):
        delimiter = "\t"
    elif sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(","):
        delimiter = ";"
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Table(shown, rows), []


def fold(text: str) -> str:
    """A header or answer as compared: full-width to half-width, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》()（）\[\]【】,，.。!！?？:：;；、·…\-—_~*]+")


def loose(text: str) -> str:
    """Text as matched between our quiz and an LMS export: no spaces, no punctuation, NFKC."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


# --- headers -------------------------------------------------------------------------------------

_NAME = {"姓名", "名字姓名", "fullname", "name", "学员", "学员姓名", "员工姓名"}
_SURNAME = {"姓氏", "姓", "surname", "lastname"}
_FIRST = {"名字", "名", "firstname", "givenname"}
_ID = {"工号", "员工号", "员工编号", "idnumber", "学号", "身份证号", "编号", "id", "employeeid"}
_EMAIL = {"电子邮件", "电子邮件地址", "邮箱", "emailaddress", "email", "e-mail"}
_STORE = {"门店", "店", "部门", "机构", "institution", "department", "store"}
_ROLE = {"岗位", "职位", "role", "position"}
_VERSION = {"卷", "版本", "试卷", "卷别", "a/b卷", "ab卷", "version", "paper", "form"}
_STATE = {"状态", "state"}
# Columns that carry nothing to grade: Moodle's times and grade, our own scores.csv columns.
_IGNORED = {"开始于", "startedon", "完成", "completed", "完成于", "用时", "timetaken", "所用时间", "序号", "测验",
            "得分", "是否及格", "待复核", "备注", "remark", "note", "notes", "日期", "date", "serial", "score"}
_IGNORED_PREFIX = ("成绩/", "grade/", "成绩", "grade", "q.", "总分")
_FINISHED = {"已完成", "完成", "finished", "submitted", "已提交"}
_AVERAGE_ROW = {"overallaverage", "总平均", "整体平均", "平均"}

_QUESTION_COL = re.compile(r"^(?:第)?(\d+)(?:题)?$|^q(\d+)$|^题(\d+)$")
_MOODLE_RESPONSE = re.compile(r"^(?:回答|response|答案|作答|响应)(\d+)$")
_MOODLE_QUESTION = re.compile(r"^(?:问题|question|题目)(\d+)$")
_MOODLE_RIGHT = re.compile(r"^(?:正确答案|rightanswer)(\d+)$")


def _role_of(header: str) -> str | None:
    h = fold(header)
    for name, names in (("name", _NAME), ("surname", _SURNAME), ("first", _FIRST), ("id", _ID),
                        ("email", _EMAIL), ("store", _STORE), ("role", _ROLE), ("version", _VERSION),
                        ("state", _STATE)):
        if h in names:
            return name
    return None


def _ignored(header: str) -> bool:
    h = fold(header)
    return not h or h in _IGNORED or h.startswith(_IGNORED_PREFIX)


def _is_moodle(header: list[str]) -> bool:
    return any(_MOODLE_RESPONSE.match(fold(h)) for h in header)


# --- reading one table ---------------------------------------------------------------------------


@dataclass
class _Reader:
    table: Table
    quizzes: dict[str, dict]
    roster: list[Trainee] | None
    problems: list[Problem] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)

    def problem(self, row: int, col: int, code: str, msg: str, detail: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.table.file, row, col, code, msg, detail, severity))  # type: ignore[arg-type]

    # trainees ------------------------------------------------------------------------------------

    def trainee(self, row: int, name: str, tid: str, store: str, role: str, col_name: int) -> Trainee | None:
        """The trainee of a row (completed from the roster), or None after reporting why not."""
        found = None
        if self.roster is not None:
            by_id = {t.id: t for t in self.roster if t.id}
            by_name = {t.name: t for t in self.roster if t.name}
            found = (by_id.get(tid) if tid else None) or (by_name.get(name) if name else None)
            if found is None and (name or tid):
                self.problem(row, col_name, "T012", f"名单里没有「{name or tid}」；请检查姓名或工号，或把此人加进名单",
                             "trainee not in roster", "warning")
        if found is not None:
            trainee = Trainee(found.name or name, found.id or tid, store or found.store, role or found.role)
        else:
            trainee = Trainee(name, tid, store, role)
        if not trainee.name:
            self.problem(row, col_name, "T004", "这一行没有姓名；请填上姓名（或填工号并用 --roster 给出名单）",
                         "trainee name missing")
            return None
        key = f"id:{trainee.id}" if trainee.id else f"name:{trainee.name}"
        if key in self.seen:
            self.problem(row, col_name, "T005",
                         f"「{trainee.name}」在第 {self.seen[key]} 行已经出现过；同一个人只能有一行，请删掉多余的一行",
                         f"duplicate of row {self.seen[key]}")
            return None
        self.seen[key] = row
        return trainee

    def add(self, quiz: dict, chosen: dict[str, list[int]], flags: dict[str, Flag | None], row: int,
            trainee: Trainee) -> None:
        serial = f"{Path(self.table.file).name}#{row}"
        self.sheets.append(score_sheet(quiz, chosen, flags, serial=serial, trainee=trainee,
                                       source=f"{Path(self.table.file).name} 第 {row} 行"))

    # the hand-filled table -----------------------------------------------------------------------

    def plain(self, head_row: int, header: list[str]) -> None:
        cols: dict[str, int] = {}
        qcols: dict[int, int] = {}  # question number -> column index
        for c, h in enumerate(header):
            role = _role_of(h)
            m = _QUESTION_COL.match(fold(h))
            if role and role not in cols:
                cols[role] = c
            elif m:
                n = int(next(g for g in m.groups() if g))
                if n in qcols:
                    self.problem(head_row, c + 1, "T002", f"第 {n} 题有两列；只用第一列，请删掉多余的一列",
                                 f"question {n} twice", "warning")
                else:
                    qcols[n] = c
            elif not _ignored(h):
                self.problem(head_row, c + 1, "T002", f"认不出这一列「{h}」，已忽略；题目列请写成 1、第1题 或 Q1",
                             f"unknown column {h!r}", "warning")
        if not qcols:
            self.problem(head_row, 1, "T011", "表头里没有题目列；每道题一列，表头写题号：1、第1题 或 Q1",
                         "no question columns")
            return
        if "name" not in cols and "id" not in cols:
            self.problem(head_row, 1, "T004", "表头里没有「姓名」列", "no name column")
            return
        labels = sorted(self.quizzes)
        longest = max(len(q["questions"]) for q in self.quizzes.values())
        for n, c in sorted(qcols.items()):
            if n > longest or n < 1:
                self.problem(head_row, c + 1, "T002", f"试卷只有 {longest} 道题，没有第 {n} 题；这一列已忽略",
                             f"no question {n}", "warning")
        for label in labels:
            missing = [n for n in range(1, len(self.quizzes[label]["questions"]) + 1) if n not in qcols]
            if missing:
                shown = "、".join(str(n) for n in missing[:10]) + ("…" if len(missing) > 10 else "")
                self.problem(head_row, 1, "T013", f"{label} 卷的第 {shown} 题没有对应的列，按未作答计",
                             "question columns missing", "warning")
        for r in range(head_row, len(self.table.rows)):
            row = self.table.rows[r]
            line = r + 1

            def get(role: str) -> str:
                c = cols.get(role)
                return row[c].strip() if c is not None and c < len(row) else ""

            if not any(cell.strip() for cell in row):
                continue
            version = get("version")
            quiz = self._quiz_for(version, line, cols.get("version"))
            name_col = cols.get("name", cols.get("id", 0)) + 1
            trainee = self.trainee(line, get("name"), get("id"), get("store"), get("role"), name_col)
            if quiz is None or trainee is None:
                continue
            chosen: dict[str, list[int]] = {}
            flags: dict[str, Flag | None] = {}
            for n, c in sorted(qcols.items()):
                if not 1 <= n <= len(quiz["questions"]):
                    continue
                q = quiz["questions"][n - 1]
                text = row[c] if c < len(row) else ""
                picked, flag = self.parse_letters(text, q, n, line, c + 1)
                if picked:
                    chosen[q["id"]] = picked
                if flag:
                    flags[q["id"]] = flag
            self.add(quiz, chosen, flags, line, trainee)

    def _quiz_for(self, version: str, line: int, col: int | None) -> dict | None:
        labels = sorted(self.quizzes)
        if not version:
            if len(labels) == 1:
                return self.quizzes[labels[0]]
            self.problem(line, (col or 0) + 1, "T006",
                         f"没写是哪一卷；这次测验有 {'、'.join(labels)} 卷，请在「卷」列填上", "version missing")
            return None
        v = unicodedata.normalize("NFKC", version).strip().upper().removesuffix("卷").strip()
        if v not in self.quizzes:
            self.problem(line, (col or 0) + 1, "T006",
                         f"没有「{version}」卷；这次测验只有 {'、'.join(labels)} 卷", f"unknown version {version!r}")
            return None
        return self.quizzes[v]

    def parse_letters(self, text: str, q: dict, n: int, line: int, col: int) -> tuple[list[int], Flag | None]:
        """A cell of the hand-filled table: 'B', 'ｂ', '2143', 'BADC', 'B→A→D→C'; '' is blank."""
        raw = unicodedata.normalize("NFKC", text).strip()
        # our own scores.csv marks a wrong answer with ' ×' and a flag with '?未作答' etc.
        raw = re.sub(r"\s*[×✗xX]$", "", raw) if len(raw) > 1 else raw
        raw = re.sub(r"\?.*$", "", raw).strip()
        if not raw or raw in ("-", "—", "/"):
            return [], None
        k = len(q["options"])
        ordering = isinstance(q["answer"], list)
        compact = re.sub(r"[\s,，、;；\-→>＞.。/]+", "", raw).upper()
        picked: list[int] = []
        if compact.isdigit():
            picked = [int(ch) - 1 for ch in compact]
            bad = [ch for ch in compact if not 1 <= int(ch) <= k]
            if bad or not ordering:
                self.problem(line, col, "T003", f"第 {n} 题填的「{text}」认不出；"
                             + (f"排序题请填 1–{k} 的顺序或字母" if ordering else f"请填 {LETTERS[0]}–{LETTERS[k - 1]} 中的字母"),
                             f"unknown answer {text!r}")
                return [], "unclear"
        else:
            for ch in compact:
                i = LETTERS.find(ch)
                if i < 0 or i >= k:
                    self.problem(line, col, "T003", f"第 {n} 题填的「{text}」里有认不出的「{ch}」；"
                                 f"这道题只有 {LETTERS[0]}–{LETTERS[k - 1]}", f"unknown letter {ch!r}")
                    return [], "unclear"
                picked.append(i)
        if ordering:
            if sorted(picked) != list(range(k)):
                self.problem(line, col, "T010", f"第 {n} 题的顺序「{text}」不完整或有重复（要把 {k} 项都排上），按答错计",
                             "incomplete order", "warning")
            return picked, None
        if len(set(picked)) > 1:
            return sorted(set(picked)), "multiple"
        return picked[:1], None

    # the Moodle responses report -----------------------------------------------------------------

    def moodle(self, head_row: int, header: list[str]) -> None:
        cols: dict[str, int] = {}
        slots: dict[int, dict[str, int]] = {}  # Moodle slot -> {"response"|"question"|"right": column}
        for c, h in enumerate(header):
            f = fold(h)
            for kind, pattern in (("response", _MOODLE_RESPONSE), ("question", _MOODLE_QUESTION),
                                  ("right", _MOODLE_RIGHT)):
                m = pattern.match(f)
                if m:
                    slots.setdefault(int(m.group(1)), {})[kind] = c
                    break
            else:
                role = _role_of(h)
                if role and role not in cols:
                    cols[role] = c
                elif not _ignored(h):
                    self.problem(head_row, c + 1, "T002", f"认不出这一列「{h}」，已忽略", f"unknown column {h!r}",
                                 "warning")
        body = [(r + 1, self.table.rows[r]) for r in range(head_row, len(self.table.rows))
                if any(x.strip() for x in self.table.rows[r])
                and fold(self.table.rows[r][0] if self.table.rows[r] else "") not in _AVERAGE_ROW]
        finished = []
        for line, row in body:
            state = row[cols["state"]] if "state" in cols and cols["state"] < len(row) else ""
            if state and fold(state) not in _FINISHED:
                self.problem(line, cols["state"] + 1, "T009", f"这次作答的状态是「{state}」，还没交卷，已跳过",
                             "attempt not finished", "warning")
                continue
            finished.append((line, row))
        version, mapping = self._match_version(head_row, slots, finished)
        if version is None:
            return
        quiz = self.quizzes[version]
        qs = {q["id"]: q for q in quiz["questions"]}
        missing = [i for i, q in enumerate(quiz["questions"], 1) if q["id"] not in mapping.values()]
        if missing:
            self.problem(head_row, 1, "T013", f"{version} 卷的第 {'、'.join(map(str, missing))} 题在导出里找不到，按未作答计",
                         "questions missing from export", "warning")
        for line, row in finished:
            name = self._moodle_name(row, cols)
            tid = next((row[cols[k]] for k in ("id", "email") if k in cols and cols[k] < len(row) and row[cols[k]]), "")
            store = row[cols["store"]] if "store" in cols and cols["store"] < len(row) else ""
            role = row[cols["role"]] if "role" in cols and cols["role"] < len(row) else ""
            name_col = cols.get("surname", cols.get("name", cols.get("first", 0))) + 1
            trainee = self.trainee(line, name, tid, store, role, name_col)
            if trainee is None:
                continue
            chosen: dict[str, list[int]] = {}
            flags: dict[str, Flag | None] = {}
            for slot, qid in sorted(mapping.items()):
                c = slots[slot]["response"]
                text = row[c] if c < len(row) else ""
                picked = _moodle_answer(text, qs[qid])
                if picked is None:
                    self.problem(line, c + 1, "T008", f"「{_short(text)}」不是这道题（{qid}）的任何一个选项；"
                                 "请核对 Moodle 里的题目是否改过", f"response not an option of {qid}")
                    flags[qid] = "unclear"
                elif picked:
                    chosen[qid] = picked
            self.add(quiz, chosen, flags, line, trainee)

    def _moodle_name(self, row: list[str], cols: dict[str, int]) -> str:
        def get(k: str) -> str:
            return row[cols[k]].strip() if k in cols and cols[k] < len(row) else ""

        if get("name"):
            return get("name")
        surname, first = get("surname"), get("first")
        if re.search(r"[\u3400-\u9fff]", surname + first):
            return surname + first  # 张 + 伟 -> 张伟
        return " ".join(p for p in (first, surname) if p)

    def _match_version(self, head_row: int, slots: dict[int, dict[str, int]],
                       rows: list[tuple[int, list[str]]]) -> tuple[str | None, dict[int, str]]:
        """Which version the export is, and which of its questions each Moodle slot holds."""
        best: tuple[tuple[int, int], str, dict[int, str], list[tuple[int, str]]] | None = None
        for label in sorted(self.quizzes):
            quiz = self.quizzes[label]
            mapping, unmatched = _match_slots(quiz, slots, rows, self.table.rows[head_row - 1])
            in_place = sum(1 for s, qid in mapping.items()
                           if s <= len(quiz["questions"]) and quiz["questions"][s - 1]["id"] == qid)
            score = (len(mapping), in_place)
            if best is None or score > best[0]:
                best = (score, label, mapping, unmatched)
        assert best is not None
        _, label, mapping, unmatched = best
        for col, why in unmatched:
            self.problem(head_row, col + 1, "T007", f"这一列对不上 {label} 卷的任何一道题（{why}）；"
                         "请确认导出的是这次测验、题目没有在 Moodle 里改过", "column matches no question")
        if not mapping:
            return None, {}
        return label, mapping

    def run(self) -> None:
        rows = self.table.rows
        head = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
        if head is None:
            self.problem(1, 1, "T011", "文件是空的", "empty table")
            return
        header = rows[head]
        if _is_moodle(header):
            self.moodle(head + 1, header)
        else:
            self.plain(head + 1, header)


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _locate(text: str, options: list[str]) -> list[int] | None:
    """Option indexes in the order their texts appear in ``text`` (longest options matched first,
    so an option that is part of another is not found inside it); None if ``text`` has other
    words in it than the options."""
    hay = loose(text)
    found: list[tuple[int, int]] = []
    for i in sorted(range(len(options)), key=lambda i: -len(loose(options[i]))):
        needle = loose(options[i])
        if not needle:
            return None
        at = hay.find(needle)
        while at >= 0:
            found.append((at, i))
            hay = hay[:at] + "\0" * len(needle) + hay[at + len(needle):]
            at = hay.find(needle)
    if hay.replace("\0", ""):
        return None
    return [i for _, i in sorted(found)]


def _moodle_answer(text: str, q: dict) -> list[int] | None:
    """A Response cell: [] for no response, the chosen option / order, None if not understood."""
    t = text.strip()
    if not t or t in ("-", "–", "—"):
        return []
    options = q["options"]
    if isinstance(q["answer"], list):
        return _locate(t, options)
    want = loose(t)
    for i, o in enumerate(options):
        if loose(o) == want:
            return [i]
    stripped = loose(re.sub(r"^[A-Za-z][.、．)）]\s*", "", t))
    for i, o in enumerate(options):
        if loose(o) == stripped:
            return [i]
    return None


def _match_slots(quiz: dict, slots: dict[int, dict[str, int]], rows: list[tuple[int, list[str]]],
                 header: list[str]) -> tuple[dict[int, str], list[tuple[int, str]]]:
    """Moodle slot -> our question id: by the question text when the export has it, else by which
    question all of the column's responses (and its right answer) are options of; ties go to the
    question at the same number."""
    questions = quiz["questions"]
    mapping: dict[int, str] = {}
    unmatched: list[tuple[int, str]] = []
    taken: set[str] = set()
    for slot in sorted(slots):
        cs = slots[slot]
        if "response" not in cs:
            continue
        col = cs["response"]

        def cells(kind: str) -> list[str]:
            c = cs.get(kind)
            if c is None:
                return []
            return [r[c] for _, r in rows if c < len(r) and r[c].strip() and r[c].strip() != "-"]

        cands = [q for q in questions if q["id"] not in taken]
        texts = cells("question")
        if texts:
            by_text = [q for q in cands if all(loose(q["prompt"]) and loose(q["prompt"]) in loose(t) for t in texts)]
            if by_text:
                longest = max(len(loose(q["prompt"])) for q in by_text)
                cands = [q for q in by_text if len(loose(q["prompt"])) == longest]
            else:
                cands = []
        responses = cells("response")
        if len(cands) > 1 and responses:
            # the questions most of the column's responses are options of (one odd cell is reported later)
            fits = {q["id"]: sum(1 for t in responses if _moodle_answer(t, q)) for q in cands}
            top = max(fits.values())
            cands = [q for q in cands if fits[q["id"]] == top and 2 * top > len(responses)]
        rights = cells("right")
        if rights and len(cands) > 1:
            cands = [q for q in cands if all(_moodle_answer(t, q) == _right(q) for t in rights)] or cands
        if len(cands) > 1:
            same = [q for q in cands if slot <= len(questions) and questions[slot - 1]["id"] == q["id"]]
            cands = same or cands[:1]
        if not cands:
            why = "题目文字不同" if texts else "回答不是任何一道题的选项"
            unmatched.append((col, why))
            continue
        mapping[slot] = cands[0]["id"]
        taken.add(cands[0]["id"])
    return mapping, unmatched


def _right(q: dict) -> list[int]:
    a = q["answer"]
    return list(a) if isinstance(a, list) else [a]


def read_table(path: Path, quizzes: dict[str, dict], roster: list[Trainee] | None) -> tuple[list[Sheet], list[Problem]]:
    """Every trainee's answers in a Moodle responses report or a hand-filled table (.csv/.xlsx),
    scored against ``quizzes`` (version label -> quiz-<version>.json), and every problem found."""
    shown = display_path(path)
    table, problems = load_rows(path, shown)
    if table is None:
        return [], problems
    if not quizzes:
        return [], [Problem(shown, 1, 1, "T011", "没有可对照的试卷（quiz-*.json）", "no quizzes given")]
    reader = _Reader(table, quizzes, roster)
    reader.run()
    return reader.sheets, sorted(problems + reader.problems)
