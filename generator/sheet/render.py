"""Answer sheets as PDF: one A4 page per trainee, laid out by Typst (template ``print/sheet.typ``)
from the sheet layout (layout.py) itself, so every bubble, marker and the QR code lands where
sheet-<version>.json says and the grader looks.

The template gets data only: the layout, the markers' and each copy's QR cells (as runs of dark
cells), and each copy's serial and trainee as plain strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from ..print import TypstDocument, print_document, typst_compiler
from ..quiz.question import LETTERS
from .layout import MARKER_DICTIONARY, qr_payload

TYPST_TEMPLATE = "sheet.typ"  # under generator/templates/print/
QR_QUIET = 2  # modules of white inside the layout's QR box, around the symbol
PRINTED = datetime(2000, 1, 1, tzinfo=UTC)  # a sheet has no content date: a fixed one keeps the bytes reproducible


@dataclass(frozen=True)
class Copy:
    """One printed sheet: its serial and, with a roster, whose it is."""

    serial: str
    name: str = ""
    staff_id: str = ""
    store: str = ""
    role: str = ""

    @property
    def personal(self) -> bool:
        return bool(self.name or self.staff_id or self.store or self.role)


@lru_cache(maxsize=8)
def marker_cells(marker_id: int) -> tuple[tuple[int, ...], ...]:
    """The marker's 6x6 cells (1 = black), border included, from OpenCV's own dictionary."""
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICTIONARY))
    image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
    return tuple(tuple(int(v < 128) for v in row) for row in image)


def runs(rows: Iterable[Iterable[int]]) -> list[list[int]]:
    """Dark cells of a grid as horizontal runs [row, first column, length]."""
    out = []
    for r, row in enumerate(rows):
        start = None
        for c, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                out.append([r, start, c - start])
                start = None
    return out


def qr_modules(payload: str) -> dict:
    """The QR code of ``payload`` (error correction M) as the template draws it: its size in
    modules, the quiet zone kept inside the layout's box, and the dark modules as runs."""
    import segno

    qr = segno.make(payload, error="m", micro=False)
    return {"modules": qr.symbol_size(border=0)[0], "quiet": QR_QUIET, "runs": runs(qr.matrix)}


def sheet_data(layout: dict, copies: Sequence[Copy]) -> dict:
    """The JSON data of one version's sheets: the layout as the grader reads it, the markers'
    cells, and one page per copy."""
    return {
        "title": f'答题卡 · {layout["title"]} · {layout["version"]} 卷',
        "letters": list(LETTERS),
        "layout": layout,
        "markers": [{"box_mm": m["box_mm"], "cells": len(marker_cells(m["id"])), "runs": runs(marker_cells(m["id"]))}
                    for m in layout["markers"]],
        "pages": [{"serial": c.serial, "name": c.name, "staff_id": c.staff_id, "store": c.store,
                   "qr": qr_modules(qr_payload(layout, c.serial, c.staff_id))} for c in copies],
    }


def sheet_pdf(layout: dict, copies: Sequence[Copy]) -> bytes:
    """Blank numbered sheets go through the print cache; sheets printed with trainees' names do
    not (personal data stays out of the user's cache)."""
    data = sheet_data(layout, copies)
    if any(c.personal for c in copies):
        return typst_compiler.render(TYPST_TEMPLATE, data, PRINTED)
    return print_document(TypstDocument.of(TYPST_TEMPLATE, data, PRINTED)).data
