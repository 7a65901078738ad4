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
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers.expat import ExpatError, ParserCreate

from ..problems import Problem, display_path, printable
from ..quiz.question import LETTERS
from ..quiz.scoring import Flag, Sheet, Trainee, score_sheet, zeros_apart
from ..spreadsheet import undo_csv_guard

# Limits, checked before anything is parsed: a class list or an LMS export of a few thousand
# trainees is far below each; a file beyond one is refused (T016), never read into memory whole.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
"""All parts of a workbook, uncompressed (a "zip bomb" inflates a small file to gigabytes)."""
MAX_CELLS = 5_000_000
"""Rows x columns of a worksheet's used area, counted from A1: calamine allocates all of them."""
MAX_FIELD_CHARS = 100_000
"""One CSV cell (a Moodle response cell is at most a few thousand characters)."""

# --- reading cells -------------------------------------------------------------------------------


@dataclass
class Table:
    """Rows of text cells; ``rows[i]`` is line/row ``i + 1`` of the file (or of one worksheet)."""

    file: str
    rows: list[list[str]]
    sheet: str = ""
    """The worksheet's name, when the workbook has more than one with data in it."""
    ragged: bool = False
    """CSV: rows keep their own length, so a row shorter than the header was cut short."""
    hidden: bool = False
    """A worksheet the workbook hides (a lookup table behind a VLOOKUP, say)."""

    @property
    def where(self) -> str:
        """The file as named in a sheet's source: ``scores.xlsx``, ``scores.xlsx 工作表「二店」``."""
        name = Path(self.file).name
        return f"{name} 工作表「{self.sheet}」" if self.sheet else name


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _too_big(shown: str, what: str) -> list[Problem]:
    return [Problem(shown, 1, 1, "T016", f"{what}，不像一份成绩表或名单；请只导出这次测验的作答（或名单）再试",
                    "input over the size limits")]


@dataclass
class _ReadsBlank:
    """Cells calamine reads as blank though the sheet does not show a blank, which would score as
    "not answered": a formula whose result the file does not hold (a workbook a program wrote and no
    spreadsheet ever saved; ``error`` empty), or an error value such as #N/A (a failed VLOOKUP)."""

    member: str
    row: int
    col: int
    error: str
    count: int = 1


Padded = dict[tuple[int, int], str]
"""(row, column), from 1, → the text a zero-padded number cell shows ("001" for 1 in "000")."""


def _inspect_workbook(data: bytes, shown: str) -> tuple[list[Problem], dict[str, Padded]]:
    """Why a workbook must not be read (T016: its unpacked size, a worksheet's used area; T019:
    formula cells without their results, error values), and, by worksheet name, the number cells
    whose format pads them with zeros (a 工号 column formatted "000" shows 001 and holds 1).

    Read from the zip's directory and by streaming each worksheet's XML once, since calamine
    allocates a worksheet's whole used area up front (one cell at XFD1048576 is 17 billion cells)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return [], {}  # not a zip at all: calamine says so (T001)
    if sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
        return _too_big(shown, f"这个 Excel 文件解压后超过 {MAX_XLSX_UNPACKED_BYTES // 1024 // 1024} MB"), {}
    blanks: dict[bool, list[_ReadsBlank]] = {False: [], True: []}  # by "is an error value"
    padded: dict[str, Padded] = {}
    styles = _zero_padded_styles(archive)
    for member in members:
        if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
            continue
        try:
            with archive.open(member) as stream:
                found, padded[member.filename] = _scan_worksheet(stream, member.filename, styles)
        except _OverLimit as over:
            return _too_big(shown, f"这个 Excel 文件{over}"), {}
        except (ExpatError, zipfile.BadZipFile, ValueError, OSError, EOFError):
            return [], {}  # calamine reports a broken workbook itself
        for kind in found:
            blanks[bool(kind.error)].append(kind)
    names = _sheet_names(archive) if any(padded.values()) or any(blanks.values()) else {}  # read once
    by_sheet = {names[member]: cells for member, cells in padded.items() if cells and member in names}
    problems = []
    for error, found in blanks.items():
        if not found:
            continue
        first, count = found[0], sum(b.count for b in found)
        sheet = names.get(first.member)
        cell = f"{f'工作表「{printable(sheet)}」' if sheet else '工作表'}的 {_col_name(first.col)}{first.row} 格"
        more = f"（共 {count} 个这样的格子）" if count > 1 else ""
        if error:
            what = (f"{cell}显示 {printable(first.error)}（公式出错，例如 VLOOKUP 没找到）{more}：读出来会是空格，"
                    "被当成“没答”；整个文件没有批改。请改正公式或填上答案再试")
        else:
            what = (f"{cell}是公式，文件里却没有它算出的结果{more}：读出来会是空格，被当成“没答”；整个文件没有批改。"
                    "请用 Excel 或 WPS 打开、保存一次再试")
        problems.append(Problem(shown, first.row, first.col, "T019", what,
                                "error values" if error else "formula cells without cached values"))
    return problems, by_sheet


def _col_name(col: int) -> str:
    """Excel's letters for a column number: 1 → A, 28 → AB."""
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part ("xl/worksheets/sheet2.xml") → the name its tab shows, from the workbook's
    sheet list and relationships; empty when those are missing or broken."""
    def attributes(part: str, tag: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            if name.rsplit(":", 1)[-1] == tag:
                found.append({k.rsplit(":", 1)[-1]: v for k, v in attrs.items()})

        parser = ParserCreate()
        parser.StartElementHandler = start
        with archive.open(part) as stream:
            parser.ParseFile(stream)
        return found

    try:
        targets = {r.get("Id"): r.get("Target", "") for r in attributes("xl/_rels/workbook.xml.rels", "Relationship")}
        sheets = attributes("xl/workbook.xml", "sheet")
    except (KeyError, ExpatError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        return {}
    names = {}
    for sheet in sheets:
        target = targets.get(sheet.get("id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        names[part] = sheet.get("name", "")
    return names


MAX_STYLES = 64_000
"""Cell styles read from styles.xml: Excel's own limit (a hostile file may declare millions)."""
MAX_PADDED = 100_000
"""Zero-padded cells remembered per worksheet; past that (no roster is that long) the numbers are
read as stored and a 工号 that lost its zeros is refused or flagged as before (T015, T012)."""


def _zero_padded_styles(archive: zipfile.ZipFile) -> dict[str, int]:
    """Cell style (a cell's ``s="…"``) → digits, for the styles whose number format pads an integer
    with zeros ("000", "00000": how a number cell keeps a 工号's leading zeros on screen)."""
    codes: dict[str, str] = {}
    formats: list[str] = []  # numFmtId of each cell style, in order (the index is the cell's s)
    inside: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "numFmt" and len(codes) < MAX_STYLES:
            codes[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif tag == "xf" and inside[-1:] == ["cellXfs"] and len(formats) < MAX_STYLES:
            formats.append(attrs.get("numFmtId", "0"))
        inside.append(tag)

    def end(name: str) -> None:
        inside.pop()

    parser = ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with archive.open("xl/styles.xml") as stream:
            parser.ParseFile(stream)
    except (KeyError, ExpatError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        return {}  # no styles, or broken ones: numbers read as they are stored
    return {str(i): len(codes[f]) for i, f in enumerate(formats) if re.fullmatch(r"0{2,}", codes.get(f, ""))}


class _OverLimit(Exception):
    pass


def _scan_worksheet(stream, member: str, padded: dict[str, int]) -> tuple[list[_ReadsBlank], Padded]:
    """Stream a worksheet's XML with expat (no tree is kept): raise _OverLimit when its used area
    (last row x last column with a cell) is over MAX_CELLS; the first formula cell without a
    cached result and the first error value (t="e"), each with how many there are. A formula whose
    result is text keeps it in ``<v>`` even when empty (t="str"); a number, date or truth value
    with an empty ``<v>`` has none. Also what each number cell in a ``padded`` style shows."""
    at = {"row": 0, "col": 0, "rows": 0, "cols": 0}
    cell: dict = {}
    found: dict[bool, _ReadsBlank] = {}
    shown: Padded = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "row":
            at["row"] = _ref_row(attrs.get("r")) or at["row"] + 1
            at["col"] = 0
        elif tag == "c":
            ref = attrs.get("r")
            at["col"] = _ref_col(ref) if ref else at["col"] + 1
            at["row"] = _ref_row(ref) or at["row"]
            cell.clear()
            cell.update(type=attrs.get("t", "n"), formula=False, value="", digits=padded.get(attrs.get("s", "")))
        else:
            if tag == "f":
                cell["formula"] = True
            elif tag == "v":
                cell["in_v"] = True
            return
        at["rows"], at["cols"] = max(at["rows"], at["row"]), max(at["cols"], at["col"])
        if at["rows"] * at["cols"] > MAX_CELLS:
            raise _OverLimit(f"工作表的使用范围超过 {MAX_CELLS:,} 个格子（第 {at['rows']:,} 行、第 {at['cols']:,} 列有内容）")

    def text(data: str) -> None:
        if cell.get("in_v") and (cell["formula"] or cell["type"] == "e" or cell["digits"]):  # <f> comes before <v>
            cell["value"] += data

    def end(name: str) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "v":
            cell["in_v"] = False
        elif tag == "c":
            error = cell["type"] == "e"
            if error or (cell["formula"] and not cell["value"].strip() and cell["type"] != "str"):
                if error in found:
                    found[error].count += 1
                else:
                    shown_as = (cell["value"].strip() or "#错误") if error else ""
                    found[error] = _ReadsBlank(member, at["row"], at["col"], shown_as)
            elif cell["digits"] and cell["type"] == "n" and re.fullmatch(r"\d+", cell["value"].strip()):
                if len(shown) < MAX_PADDED:
                    shown[(at["row"], at["col"])] = cell["value"].strip().zfill(cell["digits"])

    parser = ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.EndElementHandler = end
    while chunk := stream.read(1 << 20):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return list(found.values()), shown


def _ref_col(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n


def _ref_row(ref: str | None) -> int:
    digits = re.sub(r"^[A-Za-z]*", "", ref or "")
    return int(digits) if digits.isdigit() else 0


def _load_workbook(data: bytes, shown: str) -> tuple[list[Table], list[Problem]]:
    refused, padded = _inspect_workbook(data, shown)
    if refused:
        return [], refused
    try:
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        found = []
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            _show_padded(rows, padded.get(meta.name, {}))
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            if any(any(c for c in row) for row in rows):
                found.append((meta.name, rows, meta.visible != SheetVisibleEnum.Visible))
    except _OverLimit as over:
        return [], _too_big(shown, f"这个 Excel 文件{over}")
    except Exception as exc:  # calamine raises its own error types for broken files
        return [], [Problem(shown, 1, 1, "T001", "不是能打开的 Excel 文件（.xlsx）；请用 Excel 另存为 .xlsx 再试",
                            f"cannot open workbook: {type(exc).__name__}")]
    several = len(found) > 1
    return [Table(shown, rows, name if several else "", hidden=hidden) for name, rows, hidden in found] or [
        Table(shown, [])], []


def _show_padded(rows: list[list[str]], padded: Padded) -> None:
    """Zero-padded number cells as the spreadsheet shows them: 工号 001 in a cell formatted "000"
    holds 1, and would be refused as another person's 工号 (T015), or be another person's."""
    for (row, col), text in padded.items():
        if row <= len(rows) and col <= len(rows[row - 1]) and rows[row - 1][col - 1] == str(int(text)):
            rows[row - 1][col - 1] = text


def _fill_merged(rows: list[list[str]], ranges: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range its first cell's value, as the spreadsheet shows it: a
    roster with 门店 merged down over a store's staff reads the store on every row, not blanks.
    Ranges are clipped to the used area; overlapping ones past MAX_CELLS in all raise _OverLimit."""
    clipped = []
    for (top, left), (bottom, right) in ranges:
        if top < len(rows) and left < len(rows[top]):
            clipped.append((top, left, min(bottom, len(rows) - 1), min(right, len(rows[top]) - 1)))
    if sum((b - t + 1) * (r - l + 1) for t, l, b, r in clipped) > MAX_CELLS:
        raise _OverLimit(f"合并单元格加起来超过 {MAX_CELLS:,} 个格子")
    for top, left, bottom, right in clipped:
        value = rows[top][left]
        for row in rows[top:bottom + 1]:
            row[left:right + 1] = [value] * len(row[left:right + 1])


# Characters that are common in each encoding's own script: GB2312's level-1 hanzi (the 3,755 most
# used simplified characters) and Big5's common traditional characters (lead bytes A4-C6).
_CJK_PUNCT = set("，。、：；？！“”‘’（）《》【】—…·「」『』　")


def _common_gb(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and (0xB0 <= b[0] <= 0xD7 or ch in _CJK_PUNCT)


def _common_big5(ch: str) -> bool:
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and (0xA4 <= b[0] <= 0xC6 or ch in _CJK_PUNCT)


def decode_text(data: bytes) -> tuple[str | None, str]:
    """The text of a CSV as saved by Excel or an LMS, and the encoding's name; (None, why) when the
    bytes do not tell. UTF-8 and UTF-16 (with BOM) are certain; between GB18030 (Simplified Chinese
    Excel) and Big5 (Traditional), either decodes almost any bytes, so the one whose characters are
    the common ones of its own script wins, and only by a clear margin: never a guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None, "以 UTF-16 标记开头，但内容不是 UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    scores: dict[str, tuple[float, str]] = {}
    for encoding, common in (("gb18030", _common_gb), ("big5", _common_big5)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        wide = [c for c in text if ord(c) > 0x7F]
        scores[encoding] = (sum(map(common, wide)) / len(wide) if wide else 1.0, text)
    names = {"gb18030": "GB18030", "big5": "Big5"}
    if len(scores) == 1:  # the other one is impossible; what is left must still look like text
        best, (_, text) = next(iter(scores.items()))
        if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            return text, names[best]
        return None, "不是 UTF-8、GB18030 或 Big5 的文本"
    ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])
    if ranked:
        best, (score, text) = ranked[0]
        if score >= 0.75 and score - ranked[1][1][0] >= 0.2:
            return text, names[best]
        return None, "既可能是 GB18030（简体）也可能是 Big5（繁体），分不清"
    return None, "不是 UTF-8、GB18030 或 Big5 的文本"


def _load_csv(data: bytes, shown: str) -> tuple[list[Table], list[Problem]]:
    text, why = decode_text(data)
    if text is None:
        return [], [Problem(shown, 1, 1, "T001", f"文件编码认不出（{why}）；请用 Excel 另存为“CSV UTF-8（逗号分隔）”再试",
                            "cannot tell the text encoding")]
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "\t" in first and first.count("\t") > first.count(","):
        delimiter = "\t"
    elif first.count(";") > first.count(","):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(len(c) > MAX_FIELD_CHARS for c in row):
                return [], [Problem(shown, reader.line_num, 1, "T016",
                                    f"这一行有一个格子超过 {MAX_FIELD_CHARS:,} 个字，不像一份成绩表；请重新导出",
                                    "field over the size limit")]
            rows.append([undo_csv_guard(c.strip()) for c in row])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return [], [Problem(shown, reader.line_num, 1, "T016",
                                f"这一行有一个格子超过 {MAX_FIELD_CHARS:,} 个字，不像一份成绩表；请重新导出",
                                "field over the size limit")]
        return [], [Problem(shown, reader.line_num, 1, "T014",
                            "这一行的引号不成对（文件可能在这里被截断，或不是标准的 CSV）；请重新导出或用 Excel 另存为 CSV",
                            f"csv: {exc}")]
    return [Table(shown, rows, ragged=True)], []


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", *WORKBOOK_SUFFIXES)
OTHER_SPREADSHEETS = {".xls": "Excel 97-2003 工作簿（.xls）", ".xlsb": "Excel 二进制工作簿（.xlsb）",
                      ".et": "WPS 表格（.et）", ".ett": "WPS 表格模板（.ett）", ".ods": "OpenDocument 表格（.ods）",
                      ".numbers": "Numbers 表格（.numbers）"}
"""Spreadsheet formats not read (none of them can be checked for size before it is unpacked):
named, with how to save the file as one that is, instead of being taken for a scan or a CSV."""


def load_tables(path: Path, shown: str) -> tuple[list[Table], list[Problem]]:
    """Every table in a .csv/.tsv/.txt or .xlsx file: a CSV is one table, a workbook one per
    worksheet that has data (all of them are read, none silently left out)."""
    other = OTHER_SPREADSHEETS.get(path.suffix.lower())
    if other:
        return [], [Problem(shown, 1, 1, "T001", f"这是 {other}，读不了；请用 Excel 或 WPS 另存为 .xlsx（或“CSV UTF-8”）再试",
                            f"unsupported spreadsheet format {path.suffix.lower()}")]
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [], _too_big(shown, f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    except OSError as exc:
        return [], [Problem(shown, 1, 1, "T001", f"读不了这个文件：{exc.strerror or exc}", "cannot read file")]
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _load_workbook(data, shown)
    return _load_csv(data, shown)


def fold(text: str) -> str:
    """A header or answer as compared: full-width to half-width, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》()（）\[\]【】,，.。!！?？:：;；、·…\-—_~*]+")


def loose(text: str) -> str:
    """Text as matched between our quiz and an LMS export: no spaces, no punctuation, NFKC."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


# --- headers -------------------------------------------------------------------------------------

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字姓名", "fullname", "name", "学员", "学员姓名", "员工姓名", "員工姓名", "學員", "學員姓名"),
    "surname": ("姓氏", "姓", "surname", "lastname"),
    "first": ("名字", "名", "firstname", "givenname"),
    "id": ("工号", "员工号", "员工编号", "idnumber", "学号", "身份证号", "编号", "id", "employeeid", "staffid", "工號",
           "員工號", "員工編號", "編號", "學號"),
    "email": ("电子邮件", "电子邮件地址", "邮箱", "emailaddress", "email", "e-mail", "電子郵件", "郵箱"),
    "store": ("门店", "店", "部门", "机构", "institution", "department", "store", "門店", "門市", "部門", "機構"),
    "role": ("岗位", "职位", "role", "position", "崗位", "職位"),
    "version": ("卷", "版本", "试卷", "卷别", "a/b卷", "ab卷", "version", "paper", "form", "試卷", "卷別"),
    "state": ("状态", "state", "狀態"),
}
"""One vocabulary of column headers for every table a trainer gives us — rosters, Moodle exports,
hand-filled score tables — simplified, traditional and English, compared after :func:`fold`. The
first of each is the name used in messages."""
_HEADER_ROLE = {fold(h): role for role, names in HEADERS.items() for h in names}
_IGNORED = {"开始于", "startedon", "完成", "completed", "完成于", "用时", "timetaken", "所用时间", "序号", "测验",
            "得分", "是否及格", "待复核", "备注", "remark", "note", "notes", "日期", "date", "serial", "score"}
_IGNORED_PREFIX = ("成绩/", "grade/", "成绩", "grade", "q.", "总分")
_FINISHED = {"已完成", "完成", "finished", "submitted", "已提交"}
_AVERAGE_ROW = {"overallaverage", "总平均", "整体平均", "平均"}

_QUESTION_COL = re.compile(r"^(?:第)?(\d+)(?:题)?$|^q(\d+)$|^题(\d+)$")
_MOODLE_RESPONSE = re.compile(r"^(?:回答|response|答案|作答|响应)(\d+)$")
_MOODLE_QUESTION = re.compile(r"^(?:问题|question|题目)(\d+)$")
_MOODLE_RIGHT = re.compile(r"^(?:正确答案|rightanswer)(\d+)$")


def header_role(header: str) -> str | None:
    """What a column holds, by its header (a key of :data:`HEADERS`), or None."""
    return _HEADER_ROLE.get(fold(header))


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
    seen: dict[tuple[str, str], str]
    """(spec, trainee key) -> where that trainee's answers were first found, across all inputs."""
    problems: list[Problem] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How the file was read, for the trainer (which version, how the columns were matched)."""

    def problem(self, row: int, col: int, code: str, msg: str, detail: str, severity: str = "error") -> None:
        if self.table.sheet:
            msg = f"工作表「{self.table.sheet}」：{msg}"
        self.problems.append(Problem(self.table.file, row, col, code, msg, detail, severity))  # type: ignore[arg-type]

    def cut_short(self, line: int, row: list[str], width: int) -> bool:
        """A CSV row with fewer cells than the header was cut off (a broken download, a bad
        paste); reported, never graded as blanks."""
        if not self.table.ragged or len(row) >= width:
            return False
        self.problem(line, len(row) + 1, "T014", f"这一行只有 {len(row)} 列，表头有 {width} 列：这一行不完整（文件可能被截断），"
                     "没有批改；请重新导出或补全这一行", f"row has {len(row)} of {width} cells")
        return True

    # trainees ------------------------------------------------------------------------------------

    def _on_roster(self, row: int, name: str, tid: str, col_name: int) -> Trainee | None | bool:
        """The roster's entry for a row: a Trainee, None when not on the roster (a warning), or
        False after an error (a name shared by two people, a 工号 whose name differs)."""
        assert self.roster is not None
        if tid:
            by_id = next((t for t in self.roster if t.id == tid), None)
            if by_id is not None:
                if name and fold(name) != fold(by_id.name):
                    self.problem(row, col_name, "T015", f"工号 {tid} 在名单里是「{by_id.name}」，这一行写的是「{name}」；"
                                 "请核对工号和姓名，没有计分", "name and staff id disagree with the roster")
                    return False
                return by_id
        same_name = [t for t in self.roster if name and fold(t.name) == fold(name)]
        if len(same_name) > 1 and not tid:
            ids = "、".join(t.id for t in same_name)
            self.problem(row, col_name, "T015", f"名单里有 {len(same_name)} 个「{name}」（工号 {ids}），这一行只有姓名，"
                         "分不出是谁，没有计分；请在这一行填上工号", "name matches several roster entries")
            return False
        if tid and same_name:
            zeros = any(zeros_apart(t.id, tid) for t in same_name)
            hint = ("（Excel 常把 001 这样的工号当成数字，去掉了前面的 0：把这一列设成“文本”后重新填写）" if zeros else "")
            self.problem(row, col_name, "T015", f"名单里没有工号 {tid}；名单里的「{name}」工号是 "
                         f"{'、'.join(t.id for t in same_name)}{hint}；请核对工号，没有计分", "staff id not in roster")
            return False
        if len(same_name) == 1:
            return same_name[0]
        if name or tid:
            self.problem(row, col_name, "T012", f"名单里没有「{name or tid}」；请检查姓名或工号，或把此人加进名单",
                         "trainee not in roster", "warning")
        return None

    def trainee(self, row: int, name: str, tid: str, store: str, role: str, col_name: int, spec: str,
                contact: str = "") -> Trainee | None:
        """The trainee of a row (completed from the roster), or None after reporting why not.
        ``tid`` is a 工号 (checked against the roster); ``contact`` an LMS e-mail, kept as the id
        when there is no 工号. Control characters are kept visible as escapes (``\\x1b``)."""
        name, tid, store, role, contact = (printable(v) for v in (name, tid, store, role, contact))
        found = self._on_roster(row, name, tid, col_name) if self.roster is not None else None
        if found is False:
            return None
        if isinstance(found, Trainee):
            trainee = Trainee(found.name or name, found.id or tid or contact, store or found.store, role or found.role)
        else:
            trainee = Trainee(name, tid or contact, store, role)
        if not trainee.name:
            self.problem(row, col_name, "T004", "这一行没有姓名；请填上姓名（或填工号并用 --roster 给出名单）",
                         "trainee name missing")
            return None
        key = trainee_key(spec, trainee)
        here = f"{self.table.where} 第 {row} 行"
        if key in self.seen:
            self.problem(row, col_name, "T005",
                         f"「{trainee.name}」的答卷在{self.seen[key]}已经有了；同一个人同一次测验只能计一次，这一行没有计分"
                         "（Moodle 导出请选“每人只显示最高分的一次作答”，或删掉多余的一行）",
                         f"duplicate of {self.seen[key]}")
            return None
        self.seen[key] = here
        return trainee

    def add(self, quiz: dict, chosen: dict[str, list[int]], flags: dict[str, Flag | None], row: int,
            trainee: Trainee) -> None:
        name = Path(self.table.file).name
        serial = f"{name}#{self.table.sheet}#{row}" if self.table.sheet else f"{name}#{row}"
        self.sheets.append(score_sheet(quiz, chosen, flags, serial=serial, trainee=trainee,
                                       source=f"{self.table.where} 第 {row} 行"))

    # the hand-filled table -----------------------------------------------------------------------

    def plain(self, head_row: int, header: list[str]) -> None:
        cols: dict[str, int] = {}
        qcols: dict[int, int] = {}  # question number -> column index
        for c, h in enumerate(header):
            role = header_role(h)
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
        incomplete = set()
        for label in labels:
            missing = [n for n in range(1, len(self.quizzes[label]["questions"]) + 1) if n not in qcols]
            if missing:
                incomplete.add(label)
                shown = "、".join(str(n) for n in missing[:10]) + ("…" if len(missing) > 10 else "")
                self.problem(head_row, 1, "T013", f"{label} 卷的第 {shown} 题在表头里没有对应的列，{label} 卷的行都没有批改"
                             "（缺的列不能当作没答）；请补上这些题目列", "question columns missing")
        width = max(c for c, h in enumerate(header) if h.strip()) + 1
        for r in range(head_row, len(self.table.rows)):
            row = self.table.rows[r]
            line = r + 1

            def get(role: str) -> str:
                c = cols.get(role)
                return row[c].strip() if c is not None and c < len(row) else ""

            if not any(cell.strip() for cell in row) or self.cut_short(line, row, width):
                continue
            version = get("version")
            quiz = self._quiz_for(version, line, cols.get("version"))
            if quiz is None or quiz["version"] in incomplete:
                continue
            name_col = cols.get("name", cols.get("id", 0)) + 1
            trainee = self.trainee(line, get("name"), get("id"), get("store"), get("role"), name_col,
                                   quiz.get("spec") or "")
            if trainee is None:
                continue
            chosen: dict[str, list[int]] = {}
            flags: dict[str, Flag | None] = {}
            for n, c in sorted(qcols.items()):
                if not 1 <= n <= len(quiz["questions"]):
                    continue
                q = quiz["questions"][n - 1]
                picked, flag = self.parse_letters(row[c], q, n, line, c + 1)
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
        if compact.isascii() and compact.isdigit():
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
                role = header_role(h)
                if role and role not in cols:
                    cols[role] = c
                elif not _ignored(h):
                    self.problem(head_row, c + 1, "T002", f"认不出这一列「{h}」，已忽略", f"unknown column {h!r}",
                                 "warning")
        body = [(r + 1, self.table.rows[r]) for r in range(head_row, len(self.table.rows))
                if any(x.strip() for x in self.table.rows[r])
                and fold(self.table.rows[r][0] if self.table.rows[r] else "") not in _AVERAGE_ROW]
        width = max(c for c, h in enumerate(header) if h.strip()) + 1
        finished = []
        for line, row in body:
            if self.cut_short(line, row, width):
                continue
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
        for line, row in finished:
            def get(k: str) -> str:
                return row[cols[k]].strip() if k in cols and cols[k] < len(row) else ""

            name_col = cols.get("surname", cols.get("name", cols.get("first", 0))) + 1
            trainee = self.trainee(line, self._moodle_name(row, cols), get("id"), get("store"), get("role"), name_col,
                                   quiz.get("spec") or "", contact=get("email"))
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
        """Which version the export is, and which of its questions each Moodle slot holds; (None, {})
        after reporting why, when the export does not determine every slot (never a guess)."""
        matches = {label: _match_slots(self.quizzes[label], slots, rows) for label in sorted(self.quizzes)}
        complete = [label for label, m in matches.items() if m.complete(self.quizzes[label])]
        if len(complete) > 1:
            first = matches[complete[0]]
            if not all(matches[label].mapping == first.mapping for label in complete) or not _same_questions(
                    [self.quizzes[label] for label in complete]):
                self.problem(head_row, 1, "T018", f"这份导出对得上 {'、'.join(complete)} 几卷，分不出是哪一卷；请分卷导出，"
                             "或让 --quiz 目录里只有这次用的那一卷", "export fits several versions")
                return None, {}
            # The versions hold the same questions with the same options and answers: the score is the
            # same whichever it is; the version is the one whose question order Moodle kept.
            def in_place(label: str) -> int:
                questions = self.quizzes[label]["questions"]
                return sum(1 for s, qid in first.mapping.items() if s <= len(questions) and questions[s - 1]["id"] == qid)

            complete.sort(key=lambda label: -in_place(label))
            self.notes.append(f"{self.table.where}：{'、'.join(complete)} 卷的题目和答案相同，按题目顺序记为 {complete[0]} 卷"
                              "（分数与卷别无关）")
        if complete:
            label = complete[0]
            m = matches[label]
            self.notes.append(f"{self.table.where}：{label} 卷，{len(m.mapping)} 道题全部对上（{m.how_text()}）")
            return label, m.mapping
        label = max(matches, key=lambda v: (len(matches[v].mapping), -len(matches[v].ambiguous)))
        m = matches[label]
        quiz = self.quizzes[label]
        for col, why in m.unmatched:
            self.problem(head_row, col + 1, "T007", f"这一列对不上 {label} 卷的任何一道题（{why}）；"
                         "请确认导出的是这次测验、题目没有在 Moodle 里改过", "column matches no question")
        for col, qids in m.ambiguous:
            numbers = "、".join(str(i) for i, q in enumerate(quiz["questions"], 1) if q["id"] in qids)
            self.problem(head_row, col + 1, "T018", f"这一列的回答在 {label} 卷的第 {numbers} 题里都是选项，不看题目文字"
                         "分不出是哪一道；请在 Moodle 的“回答”报表里勾选显示“问题”（题目文字）后重新下载",
                         "column fits several questions")
        found = set(m.mapping.values())
        missing = [i for i, q in enumerate(quiz["questions"], 1) if q["id"] not in found]
        if missing and not m.ambiguous:
            self.problem(head_row, 1, "T013", f"{label} 卷的第 {'、'.join(map(str, missing))} 题在导出里找不到，"
                         "这份导出没有批改（缺的题不能当作没答）；请导出这次测验的全部题目", "questions missing from export")
        return None, {}

    def run(self) -> None:
        rows = self.table.rows
        head = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
        if head is None:
            self.problem(1, 1, "T011", "文件是空的", "empty table")
            return
        header = rows[head]
        if self.table.hidden and not looks_like_a_header(header):
            self.problem(head + 1, 1, "T002", "这个工作表是隐藏的，表头里没有姓名、工号或题目列，不像成绩表（多半是公式查找用的表），没有读",
                         "hidden worksheet without answer columns skipped", "warning")
            return
        if _is_moodle(header):
            self.moodle(head + 1, header)
        else:
            self.plain(head + 1, header)


def looks_like_a_header(header: list[str]) -> bool:
    """Whether a row names anything a roster or an answer table has (a person's column, a question)."""
    return _is_moodle(header) or any(header_role(h) or _QUESTION_COL.match(fold(h)) for h in header)


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


@dataclass
class _SlotMatch:
    """Moodle slot -> our question id, for one version, and what could not be decided."""

    mapping: dict[int, str] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)
    """slot -> "text" (the question text), "right" (the right answer), "options" (a unique option set)."""
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    """(column, why) of slots that fit no question."""
    ambiguous: list[tuple[int, list[str]]] = field(default_factory=list)
    """(column, question ids) of slots that fit several questions."""

    def complete(self, quiz: dict) -> bool:
        return (not self.unmatched and not self.ambiguous
                and set(self.mapping.values()) == {q["id"] for q in quiz["questions"]})

    def how_text(self) -> str:
        names = {"text": "按题目文字", "right": "按正确答案", "options": "按唯一的选项组合"}
        counts = {k: sum(1 for v in self.how.values() if v == k) for k in names}
        return "，".join(f"{n} 题{names[k]}" for k, n in counts.items() if n)


def _match_slots(quiz: dict, slots: dict[int, dict[str, int]], rows: list[tuple[int, list[str]]]) -> _SlotMatch:
    """Moodle slot -> our question id: by the question text when the export has it, else by which
    questions all of the column's responses (and its right answer) are options of. A slot that
    still fits several questions is decided only when the others are taken by slots that fit one
    question; what is left is ambiguous (the slot number is never used: Moodle's order is the
    trainer's)."""
    questions = quiz["questions"]
    result = _SlotMatch()
    fits: dict[int, list[str]] = {}
    columns: dict[int, int] = {}
    for slot in sorted(slots):
        cs = slots[slot]
        if "response" not in cs:
            continue
        columns[slot] = cs["response"]

        def cells(kind: str) -> list[str]:
            c = cs.get(kind)
            if c is None:
                return []
            return [r[c] for _, r in rows if c < len(r) and r[c].strip() and r[c].strip() != "-"]

        cands = list(questions)
        how = "options"
        texts = cells("question")
        if texts:
            how = "text"
            by_text = [q for q in cands if all(loose(q["prompt"]) and loose(q["prompt"]) in loose(t) for t in texts)]
            if by_text:
                longest = max(len(loose(q["prompt"])) for q in by_text)
                cands = [q for q in by_text if len(loose(q["prompt"])) == longest]
            else:
                cands = []
        responses = cells("response")
        if len(cands) > 1 and responses:
            # the questions most of the column's responses are options of (one odd cell is reported later)
            fit = {q["id"]: sum(1 for t in responses if _moodle_answer(t, q)) for q in cands}
            top = max(fit.values())
            cands = [q for q in cands if fit[q["id"]] == top and 2 * top > len(responses)]
        rights = cells("right")
        if rights and len(cands) > 1:
            narrowed = [q for q in cands if all(_moodle_answer(t, q) == _right(q) for t in rights)]
            if narrowed and len(narrowed) < len(cands):
                cands, how = narrowed, "right"
        if not cands:
            result.unmatched.append((cs["response"], "题目文字不同" if texts else "回答不是任何一道题的选项"))
            continue
        fits[slot] = [q["id"] for q in cands]
        result.how[slot] = how
    taken: set[str] = set()
    progress = True
    while progress:  # a slot that fits one question takes it from the others
        progress = False
        for slot, ids in fits.items():
            if slot in result.mapping:
                continue
            left = [i for i in ids if i not in taken]
            if len(left) == 1:
                result.mapping[slot] = left[0]
                taken.add(left[0])
                progress = True
            elif not left:
                result.unmatched.append((columns[slot], "它对得上的题已经被别的列对上了"))
                result.mapping[slot] = ""
    for slot in [s for s, qid in result.mapping.items() if not qid]:
        del result.mapping[slot]
    for slot, ids in fits.items():
        left = [i for i in ids if i not in taken]
        if slot not in result.mapping and len(left) > 1:
            result.ambiguous.append((columns[slot], left))
    result.how = {slot: how for slot, how in result.how.items() if slot in result.mapping}
    return result


def _same_questions(quizzes: list[dict]) -> bool:
    """Whether the versions hold the same questions with the same option texts and right answers
    (as texts: the order of the options may differ), so that grading by text gives one score."""
    def key(quiz: dict) -> dict[str, tuple]:
        out = {}
        for q in quiz["questions"]:
            options = q["options"]
            answer = tuple(options[i] for i in _right(q))
            out[q["id"]] = (q["prompt"], tuple(sorted(options)), answer)
        return out

    first = key(quizzes[0])
    return all(key(q) == first for q in quizzes[1:])


def _right(q: dict) -> list[int]:
    a = q["answer"]
    return list(a) if isinstance(a, list) else [a]


def trainee_key(spec: str, trainee: Trainee) -> tuple[str, str]:
    """Who answered which test: one sheet per key is graded, whatever the channel."""
    return spec, f"id:{fold(trainee.id)}" if trainee.id else f"name:{fold(trainee.name)}"


@dataclass
class TableAnswers:
    """What the tables given to one `playbook grade` hold."""

    sheets: list[Sheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How each file was read (which version, how Moodle's columns were matched)."""


def read_tables(paths: Sequence[Path], quizzes: dict[str, dict], roster: list[Trainee] | None,
                seen: dict[tuple[str, str], str] | None = None) -> TableAnswers:
    """Every trainee's answers in Moodle responses reports and hand-filled tables (.csv/.xlsx, every
    worksheet), scored against ``quizzes`` (version label -> quiz-<version>.json). A trainee found
    twice (in one file, two files, or the same file given twice) counts once, the rest is an error;
    ``seen`` carries the trainees already graded from other inputs (scans)."""
    out = TableAnswers()
    seen = {} if seen is None else seen
    digests: dict[str, str] = {}
    for path in paths:
        shown = display_path(path)
        if not quizzes:
            out.problems.append(Problem(shown, 1, 1, "T011", "没有可对照的试卷（quiz-*.json）", "no quizzes given"))
            continue
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size <= MAX_FILE_BYTES else ""
        except OSError:
            digest = ""
        if digest and digest in digests:
            out.problems.append(Problem(shown, 1, 1, "T017", f"这个文件和 {digests[digest]} 一模一样，没有再算一次",
                                        "the same file was given twice"))
            continue
        if digest:
            digests[digest] = shown
        tables, problems = load_tables(path, shown)
        out.problems += problems
        for table in tables:
            reader = _Reader(table, quizzes, roster, seen)
            reader.run()
            out.sheets += reader.sheets
            out.problems += reader.problems
            out.notes += reader.notes
    out.problems.sort()
    return out


def read_table(path: Path, quizzes: dict[str, dict], roster: list[Trainee] | None) -> tuple[list[Sheet], list[Problem]]:
    """One file's answers and problems (see :func:`read_tables`)."""
    got = read_tables([path], quizzes, roster)
    return got.sheets, got.problems
