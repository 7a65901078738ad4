"""One straightened sheet -> what the trainee marked, question by question, following the layout."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ink import Ink, measure


@dataclass(frozen=True)
class Answer:
    """The reading of one question: chosen option indexes (or the order), and a flag when in doubt."""

    question: str
    chosen: list[int]
    flag: str | None
    inks: list[Ink]


def read_choice(dark: np.ndarray, question: dict) -> Answer:
    inks = [measure(dark, b["center_mm"], b["radius_mm"]) for b in question["bubbles"]]
    marked = [b["option"] for b, ink in zip(question["bubbles"], inks) if ink.state == "marked"]
    if any(ink.state == "unclear" for ink in inks):
        flag: str | None = "unclear"
    elif not marked:
        flag = "blank"
    elif len(marked) > 1:
        flag = "multiple"
    else:
        flag = None
    return Answer(question["id"], marked, flag, inks)


def read_ordering(dark: np.ndarray, question: dict) -> Answer:
    """Each item row gets one position; the order is the items sorted by position."""
    inks = [measure(dark, b["center_mm"], b["radius_mm"]) for b in question["bubbles"]]
    items = sorted({b["item"] for b in question["bubbles"]})
    position: dict[int, list[int]] = {i: [] for i in items}
    for b, ink in zip(question["bubbles"], inks):
        if ink.state == "marked":
            position[b["item"]].append(b["position"])
    unclear = any(ink.state == "unclear" for ink in inks)
    counts = [len(p) for p in position.values()]
    taken = [p[0] for p in position.values() if len(p) == 1]
    if unclear:
        flag: str | None = "unclear"
    elif all(c == 0 for c in counts):
        flag = "blank"
    elif any(c > 1 for c in counts) or len(set(taken)) != len(taken):
        flag = "multiple"
    elif any(c == 0 for c in counts):
        flag = "unclear"  # some rows left empty: a person decides what was meant
    else:
        flag = None
    order = [item for _pos, item in sorted((p[0], i) for i, p in position.items() if len(p) == 1)]
    return Answer(question["id"], order, flag, inks)


def read_staff_id(dark: np.ndarray, grid: dict) -> tuple[str, bool]:
    """The 工号 from the bubble grid, and whether it was read without doubt (digit columns are
    filled from the left; trailing empty columns are allowed)."""
    digits: dict[int, list[int]] = {}
    doubt = False
    for b in grid["bubbles"]:
        ink = measure(dark, b["center_mm"], b["radius_mm"])
        if ink.state == "unclear":
            doubt = True
        if ink.state == "marked":
            digits.setdefault(b["digit"], []).append(b["value"])
    text = ""
    for d in range(grid["digits"]):
        values = digits.get(d, [])
        if len(values) > 1:
            doubt = True
            text += "?"
        elif values:
            text += str(values[0])
        else:
            if any(digits.get(later) for later in range(d + 1, grid["digits"])):
                doubt = True  # a gap inside the number
                text += "?"
            else:
                break
    return text, bool(text) and not doubt


def read_sheet(dark: np.ndarray, layout: dict) -> list[Answer]:
    return [read_ordering(dark, q) if q["kind"] == "ordering" else read_choice(dark, q)
            for q in layout["questions"]]
