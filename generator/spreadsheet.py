"""Text from input, made safe for the spreadsheets we write (CSV and XLSX).

A trainee's name, a store or an e-mail address comes from a roster or an LMS export that anyone
may have typed. Excel runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)``, DDE), so, as OWASP's "CSV Injection" page recommends:

- in CSV such a cell gets a leading ``'`` (Excel then shows it as text);
- in XLSX every text cell is written typed as a string, never as a formula;
- control characters that the XLSX format forbids are shown as ``\\xNN`` instead of failing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl (0.35 s to import, with numpy) is imported where an XLSX is written, not by every
# command that imports this module: `playbook serve`, `quiz --format json` and `check` never need it.

# The OWASP list, plus the full-width forms a Chinese input method types.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_cell(value: object) -> object:
    """A CSV cell Excel will not evaluate: text starting like a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def xlsx_text(text: str) -> str:
    """Text the XLSX format can hold: its forbidden control characters written as ``\\xNN``."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(_visible, text)


def xlsx_row(ws: Worksheet, values: Iterable[object]) -> list[object]:
    """Cells for ``ws.append``: text as string-typed cells (never formulas), other values as they are."""
    from openpyxl.cell.cell import Cell

    row: list[object] = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(ws, row=1, column=1)
            cell._value = xlsx_text(value)  # set directly: the value setter would type "=..." as a formula
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def undo_csv_guard(text: str) -> str:
    """Read back a cell :func:`csv_cell` guarded (``'=x`` -> ``=x``), so our own CSV reads as written."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def stable_xlsx(data: bytes) -> bytes:
    """openpyxl stamps the current time into docProps/core.xml and the zip entries; fix both so
    the same rows give the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*</dcterms:\1>",
                              rb"<dcterms:\1\2>2000-01-01T00:00:00Z</dcterms:\1>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()
