"""Where everything sits on an answer sheet (答题卡), in millimetres from the page's top-left.

The layout exists once, as data: the renderer draws it, `sheet-<version>.json` records it and the
grader reads that file. Nothing about positions is written anywhere else.

Page: A4. Four ArUco markers (ids 0-3, clockwise from top-left) fix the page in a scan or photo;
a QR code names quiz, version, seed, content fingerprint and serial. Below the header: the name
box, then (without a roster) a 工号 bubble grid, then the questions flowed into columns:
one bubble row per choice question, a small item x position grid per ordering question.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_MM = (210.0, 297.0)
MARKER_DICTIONARY = "DICT_4X4_50"
MARKER_MM = 14.0
MARKER_AT = {0: (10.0, 10.0), 1: (186.0, 10.0), 2: (186.0, 273.0), 3: (10.0, 273.0)}  # top-left corners
QR_MM = (154.0, 9.0, 27.0)  # x, y, size
NAME_BOX_MM = (28.0, 40.0, 154.0, 11.0)
ID_DIGITS = 8
BUBBLE_R = 2.3
ROW_PITCH = 6.5   # vertical, between bubble rows: keeps a neighbour's marks out of a bubble's ring zone
BUBBLE_PITCH = 7.0
LEFT, RIGHT, BOTTOM = 14.0, 196.0, 268.0
COLUMN_W = (RIGHT - LEFT) / 3
QUESTIONS_TOP = NAME_BOX_MM[1] + NAME_BOX_MM[3] + 11.0  # below the name box and two lines of instructions
FORMAT = "playbook-answer-sheet/1"


class SheetOverflow(ValueError):
    """The questions do not fit on one page."""


@dataclass(frozen=True)
class Slot:
    """A column of the question area: x of its left edge, vertical range."""

    x: float
    top: float
    bottom: float


def _bubble(center: tuple[float, float], **what: int) -> dict:
    return {**what, "center_mm": [round(center[0], 2), round(center[1], 2)], "radius_mm": BUBBLE_R}


def _id_grid(top: float) -> dict:
    """工号: one column per digit (written in the box on top, then bubbled 0-9 below)."""
    x0 = LEFT + 6.0
    bubbles = []
    first_row = top + 15.0
    for d in range(ID_DIGITS):
        for v in range(10):
            bubbles.append(_bubble((x0 + d * 6.0, first_row + v * 5.6), digit=d, value=v))
    bottom = first_row + 9 * 5.6 + BUBBLE_R + 2.0
    return {"digits": ID_DIGITS, "box_mm": [LEFT, top, 6.0 + ID_DIGITS * 6.0, bottom - top],
            "write_row_y_mm": round(top + 8.0, 2), "bubbles": bubbles}


def _block_height(question: dict) -> float:
    if question["type"] == "ordering":
        return 5.0 + len(question["options"]) * ROW_PITCH + 1.5
    return ROW_PITCH


def _place(question: dict, number: int, slot: Slot, y: float) -> dict:
    """Bubbles of one question whose block starts at (slot.x, y)."""
    n = len(question["options"])
    pitch = BUBBLE_PITCH if n <= 6 else 6.0
    first = slot.x + 14.0
    out: dict = {"id": question["id"], "number": number, "kind": "ordering" if question["type"] == "ordering" else
                 "choice", "label_mm": [round(slot.x + 9.0, 2), round(y + ROW_PITCH / 2, 2)]}
    if out["kind"] == "ordering":
        header = y + 2.5
        out["label_mm"] = [round(slot.x + 9.0, 2), round(header, 2)]
        out["positions_mm"] = [[round(first + p * pitch, 2), round(header, 2)] for p in range(n)]
        rows = [y + 5.0 + ROW_PITCH / 2 + i * ROW_PITCH for i in range(n)]
        out["items_mm"] = [[round(slot.x + 9.0, 2), round(r, 2)] for r in rows]
        out["bubbles"] = [_bubble((first + p * pitch, rows[i]), item=i, position=p + 1)
                          for i in range(n) for p in range(n)]
    else:
        cy = y + ROW_PITCH / 2
        out["bubbles"] = [_bubble((first + k * pitch, cy), option=k) for k in range(n)]
    top = y
    out["box_mm"] = [round(slot.x, 2), round(top, 2), round(COLUMN_W - 2.0, 2), round(_block_height(question), 2)]
    return out


def _slots(with_id_grid: bool, id_grid: dict | None) -> list[Slot]:
    top = QUESTIONS_TOP
    if not with_id_grid or id_grid is None:
        return [Slot(LEFT + i * COLUMN_W, top, BOTTOM) for i in range(3)]
    gx, gy, gw, gh = id_grid["box_mm"]
    right_of_grid = gx + gw + 6.0
    beside_w = (RIGHT - right_of_grid) / 2
    beside = [Slot(right_of_grid + i * beside_w, gy, gy + gh) for i in range(2)]
    below = gy + gh + 5.0
    return beside + [Slot(LEFT + i * COLUMN_W, below, BOTTOM) for i in range(3)]


def _flow(questions: list[dict], heights: list[float], slots: list[Slot], limit: float) -> list[dict] | None:
    """Question blocks flowed down the slots, none longer than ``limit`` mm; None if they do not fit."""
    placed = []
    s, y = 0, slots[0].top
    for number, (question, height) in enumerate(zip(questions, heights), start=1):
        while s < len(slots) and (y + height > slots[s].bottom or y + height > slots[s].top + limit + 0.01):
            s += 1
            y = slots[s].top if s < len(slots) else 0.0
        if s >= len(slots):
            return None
        placed.append(_place(question, number, slots[s], y))
        y += height
    return placed


def sheet_layout(quiz: dict, *, roster: bool, fingerprint: str) -> dict:
    """The layout of one version's sheet (what `sheet-<version>.json` holds).

    ``roster``: names are printed, so there is no 工号 grid. Raises SheetOverflow when the
    questions need more than one page.
    """
    id_grid = None if roster else _id_grid(QUESTIONS_TOP)
    slots = _slots(not roster, id_grid)
    heights = [_block_height(q) for q in quiz["questions"]]
    # Columns of even length read better than one long column and two empty ones: try a column
    # as short as a third of the questions first, then longer ones, then the full page height.
    even = max(max(heights, default=0.0), sum(heights) / len(slots))
    placed = None
    for limit in (even, even + ROW_PITCH, even + 3 * ROW_PITCH, float("inf")):
        placed = _flow(quiz["questions"], heights, slots, limit)
        if placed is not None:
            break
    if placed is None:
        raise SheetOverflow(f"{len(heights)} 题一张答题卡放不下")
    mx = {i: [x, y_, MARKER_MM, MARKER_MM] for i, (x, y_) in MARKER_AT.items()}
    return {
        "format": FORMAT,
        "quiz": quiz.get("spec") or "",
        "title": quiz["title"],
        "version": quiz["version"],
        "seed": quiz.get("seed"),
        "fingerprint": fingerprint,
        "page_mm": list(PAGE_MM),
        "marker_dictionary": MARKER_DICTIONARY,
        "markers": [{"id": i, "box_mm": box, "corners_mm": _corners(box)} for i, box in mx.items()],
        "qr": {"box_mm": [QR_MM[0], QR_MM[1], QR_MM[2], QR_MM[2]]},
        "name_box": {"box_mm": list(NAME_BOX_MM)},
        "id_grid": id_grid,
        "questions": placed,
    }


def _corners(box: list[float]) -> list[list[float]]:
    """A marker's corners in ArUco's order: top-left, top-right, bottom-right, bottom-left."""
    x, y, w, h = box
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def qr_payload(layout: dict, serial: str, staff_id: str = "") -> str:
    """What the QR code says. `|` separated, ASCII where we choose the text."""
    return "|".join(["PBS1", layout["quiz"], layout["version"], str(layout["seed"]), layout["fingerprint"],
                     serial, staff_id.replace("|", "")])


def parse_qr(text: str) -> dict | None:
    parts = text.split("|")
    if len(parts) != 7 or parts[0] != "PBS1":
        return None
    return {"quiz": parts[1], "version": parts[2], "seed": parts[3], "fingerprint": parts[4], "serial": parts[5],
            "staff_id": parts[6]}
