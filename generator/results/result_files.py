"""What `playbook grade` leaves behind, whatever the channel: results.json, scores.csv (UTF-8 with
BOM, so Excel shows Chinese), scores.xlsx. One row per sheet, one column per question number;
text from rosters and exports is formula-safe (generator/spreadsheet.py)."""

from __future__ import annotations

import csv
import io

from ..quiz.question import LETTERS
from ..quiz.scoring import FLAG_NAMES, Results, Sheet, to_json
from ..spreadsheet import csv_row, stable_xlsx, xlsx_row

HEAD = ["姓名", "工号", "门店", "岗位", "测验", "卷", "序号", "得分", "是否及格", "待复核"]


def answer_text(chosen: list[int], ordering: bool) -> str:
    """[2, 0, 1] -> 'CAB' for an order, [1] -> 'B'; letters as on the paper."""
    return "".join(LETTERS[i] for i in chosen) if ordering or chosen else ""


def rows(results: Results, ordering_ids: set[str]) -> list[list[object]]:
    width = max((len(s.responses) for s in results.sheets), default=0)
    table: list[list[object]] = [HEAD + [f"第{n}题" for n in range(1, width + 1)]]
    for s in _ordered(results.sheets):
        t = s.trainee
        cells: list[object] = [t.name, t.id, t.store, t.role, s.title or s.quiz, s.version, s.serial, s.score,
                               "及格" if s.passed else "不及格", len(s.to_review)]
        for r in s.responses:
            shown = answer_text(r.chosen, r.question in ordering_ids)
            if r.flag:
                shown = f"{shown}?{FLAG_NAMES[r.flag]}" if shown else f"?{FLAG_NAMES[r.flag]}"
            cells.append(shown + ("" if r.correct else " ×"))
        table.append(cells)
    return table


def _ordered(sheets: list[Sheet]) -> list[Sheet]:
    return sorted(sheets, key=lambda s: (s.quiz, s.version, s.serial))


def scores_csv(table: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(csv_row(row) for row in table)
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def scores_xlsx(table: list[list[object]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "成绩"
    for row in table:
        ws.append(xlsx_row(ws, row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())


def result_files(results: Results, ordering_ids: set[str]) -> dict[str, bytes]:
    table = rows(results, ordering_ids)
    return {"results.json": to_json(results), "scores.csv": scores_csv(table), "scores.xlsx": scores_xlsx(table)}
