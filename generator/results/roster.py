"""A class list (名单) as CSV or XLSX: columns 姓名, 工号, and optionally 门店, 岗位."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, display_path, printable
from ..quiz.scoring import Trainee
from .tables import HEADERS, Table, header_role, load_tables, looks_like_a_header

COLUMNS = ("name", "id", "store", "role")
"""What a roster may have (headers as :data:`tables.HEADERS` knows them); name and id are needed."""


def read_roster(path: Path) -> tuple[list[Trainee], list[Problem]]:
    """Trainees in file order (every worksheet of a workbook, each with its own header); every
    missing name or 工号 and every repeated 工号 is reported. Two people may share a name: a row
    that gives only the name is then refused when graded (T015), never given to one of them."""
    shown = display_path(path)
    if not path.is_file():
        return [], [Problem(shown, 1, 1, "G010", "找不到名单文件", "roster file not found")]
    tables, problems = load_tables(path, shown)
    trainees: list[Trainee] = []
    seen: dict[str, str] = {}
    for table in tables:
        trainees += _read_table(table, shown, problems, seen)
    if not trainees and not any(p.is_error for p in problems):
        problems.append(Problem(shown, 1, 1, "G010", "名单是空的", "roster is empty"))
    return trainees, problems


def _read_table(table: Table, shown: str, problems: list[Problem], seen: dict[str, str]) -> list[Trainee]:
    sheet = f"工作表「{table.sheet}」：" if table.sheet else ""
    rows = [(n, r) for n, r in enumerate(table.rows, start=1) if any(c.strip() for c in r)]
    if not rows:
        return []
    head_line, head = rows[0]
    where = {}
    for col, cell in enumerate(head):
        role = header_role(cell)
        if role in COLUMNS and role not in where:
            where[role] = col
    missing = [HEADERS[k][0] for k in ("name", "id") if k not in where]
    if table.hidden and not looks_like_a_header(head):
        problems.append(Problem(shown, head_line, 1, "G010", f"{sheet}这个工作表是隐藏的，表头里没有姓名、工号，不像名单，没有读",
                                "hidden worksheet without roster columns skipped", "warning"))
        return []
    if missing:
        problems.append(Problem(shown, head_line, 1, "G010", f"{sheet}名单的表头里没有「{'」「'.join(missing)}」列",
                                "roster needs the columns 姓名 and 工号"))
        return []
    trainees = []
    for line, row in rows[1:]:
        def cell(key: str) -> str:
            col = where.get(key)
            return row[col].strip() if col is not None and col < len(row) else ""

        name, staff_id = cell("name"), cell("id")
        if not name or not staff_id:
            what = "姓名" if not name else "工号"
            problems.append(Problem(shown, line, where["name" if not name else "id"] + 1, "G011",
                                    f"{sheet}这一行没有{what}", f"roster row without {'name' if not name else 'staff id'}"))
            continue
        here = f"{table.where} 第 {line} 行"
        if staff_id in seen:
            problems.append(Problem(shown, line, where["id"] + 1, "G011",
                                    f"{sheet}工号 {staff_id} 重复了（{seen[staff_id]}已经有）", "duplicate staff id"))
            continue
        seen[staff_id] = here
        trainees.append(Trainee(*(printable(v) for v in (name, staff_id, cell("store"), cell("role")))))
    return trainees
