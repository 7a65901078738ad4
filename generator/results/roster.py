"""A class list (名单) as CSV or XLSX: columns 姓名, 工号, and optionally 门店, 岗位."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, display_path
from .model import Trainee
from .tables import fold, load_rows

COLUMNS = {"name": ("姓名", "name", "学员", "员工姓名"), "id": ("工号", "员工编号", "编号", "id", "staffid"),
           "store": ("门店", "store", "部门"), "role": ("岗位", "role", "职位")}


def read_roster(path: Path) -> tuple[list[Trainee], list[Problem]]:
    """Trainees in file order; every missing name or 工号 and every repeated 工号 is reported."""
    shown = display_path(path)
    if not path.is_file():
        return [], [Problem(shown, 1, 1, "G010", "找不到名单文件", "roster file not found")]
    table, problems = load_rows(path, shown)
    if table is None:
        return [], problems
    rows = [(n, r) for n, r in enumerate(table.rows, start=1) if any(c.strip() for c in r)]
    if not rows:
        return [], [Problem(shown, 1, 1, "G010", "名单是空的", "roster is empty")]
    head_line, head = rows[0]
    where = {}
    for key, names in COLUMNS.items():
        for col, cell in enumerate(head):
            if fold(cell) in {fold(n) for n in names}:
                where[key] = col
                break
    missing = [COLUMNS[k][0] for k in ("name", "id") if k not in where]
    if missing:
        return [], [Problem(shown, head_line, 1, "G010", f"名单的表头里没有「{'」「'.join(missing)}」列",
                            "roster needs the columns 姓名 and 工号")]
    trainees, seen = [], {}
    for line, row in rows[1:]:
        def cell(key: str) -> str:
            col = where.get(key)
            return row[col].strip() if col is not None and col < len(row) else ""

        name, staff_id = cell("name"), cell("id")
        if not name or not staff_id:
            what = "姓名" if not name else "工号"
            problems.append(Problem(shown, line, where["name" if not name else "id"] + 1, "G011",
                                    f"这一行没有{what}", f"roster row without {'name' if not name else 'staff id'}"))
            continue
        if staff_id in seen:
            problems.append(Problem(shown, line, where["id"] + 1, "G011",
                                    f"工号 {staff_id} 重复了（第 {seen[staff_id]} 行已经有）", "duplicate staff id"))
            continue
        seen[staff_id] = line
        trainees.append(Trainee(name=name, id=staff_id, store=cell("store"), role=cell("role")))
    return trainees, problems
