"""Excel 题库 (``tiku-<version>.xlsx``): one row per question, the columns Chinese exam platforms'
import templates share.

Columns: 题型, 题干, 选项A…选项H, 正确答案 (letters: ``A``, or ``ACD`` for several), 答案解析, 分值,
难度, 知识点. These are the columns common to the Excel templates of the platforms trainers use
(七巧学院/企业微信 题库 "EXCEL导入", https://qiqiao.do1.com.cn/ext/xueyuan/8985.html — its template is a
download behind a login, so we could not check its exact header text; 问卷星 and 钉钉 likewise offer
templates only inside the product). A trainer copies our columns into the platform's own template
when its header differs; the second sheet (填写说明) says what each column holds.

Every question is a 单选题; ordering questions become a choice between candidate orders
(:mod:`.bank`). Text lands in cells verbatim (string cells, never formulas: a stem starting with
``=`` stays text); only characters XML cannot hold (control characters) are dropped. openpyxl
writes the workbook; the zip is rewritten with fixed dates so the same quiz gives the same bytes.
"""

from __future__ import annotations

import io

from ..quiz.bank import LETTERS, pass_line, rows, score_per_question
from ..spreadsheet import stable_xlsx, xlsx_text

MAX_OPTIONS = 8
HEADER = ["题型", "题干", *[f"选项{LETTERS[i]}" for i in range(MAX_OPTIONS)], "正确答案", "答案解析", "分值", "难度", "知识点"]

COLUMN_NOTES = [
    ("题型", "单选题。排序题也导出成单选题：题干列出要排的各项（①②③…），每个选项是一种顺序，只有一个对。"),
    ("题干", "题目正文，原样保留（情景题的换行也保留）。"),
    *[(f"选项{LETTERS[i]}", f"第 {i + 1} 个选项；用不到的列留空。") for i in range(MAX_OPTIONS)],
    ("正确答案", "正确选项的字母，例如 A；多个答案时字母连写（如 ACD），本测验每题只有一个答案。"),
    ("答案解析", "为什么这样选，引用依据的流程和步骤。"),
    ("分值", "每题分值相同：100 ÷ 题数（除不尽时取整数）。"),
    ("难度", "按题型估计（简单/中等/困难），不是作答统计；考过一次后可用 playbook report 的难度（答对率）修改。"),
    ("知识点", "题目考的流程和步骤：流程标题 · 步骤标题。"),
]


def _text_cell(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = xlsx_text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value


def xlsx_bank(quiz: dict, topics: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bank = rows(quiz, topics)
    wb = Workbook()
    ws = wb.active
    ws.title = "题库"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for c, name in enumerate(HEADER, start=1):
        _text_cell(ws, 1, c, name)
        ws.cell(row=1, column=c).font = bold
    for r, row in enumerate(bank, start=2):
        if len(row.options) > MAX_OPTIONS:
            raise ValueError(f"{row.id}: more than {MAX_OPTIONS} options")
        values = [row.kind, row.stem, *row.options, *[""] * (MAX_OPTIONS - len(row.options)),
                  row.letter, row.explanation, row.score, row.difficulty, row.topic]
        for c, value in enumerate(values, start=1):
            if value != "":
                _text_cell(ws, r, c, value)
                ws.cell(row=r, column=c).alignment = wrap
    widths = {"A": 8, "B": 50, "K": 8, "L": 40, "M": 6, "N": 6, "O": 30}
    for col in "CDEFGHIJ":
        ws.column_dimensions[col].width = 20
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    n = len(quiz["questions"])
    facts = [("测验", f"{quiz['title']} · {quiz['version']} 卷"), ("题数", str(n)),
             ("总分", f"{score_per_question(n) * n}（每题 {score_per_question(n)} 分）"),
             ("及格线", f"{pass_line(quiz)} 分（{quiz.get('pass_mark') or 0}%）"), ("", "")]
    for r, (name, text) in enumerate([("列", "说明"), *COLUMN_NOTES, ("", ""), *facts], start=1):
        _text_cell(notes, r, 1, name)
        _text_cell(notes, r, 2, text)
        if r == 1:
            notes.cell(row=1, column=1).font = notes.cell(row=1, column=2).font = bold
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 90

    wb.properties.creator = "playbook"
    buf = io.BytesIO()
    wb.save(buf)
    return stable_xlsx(buf.getvalue())
