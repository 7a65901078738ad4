"""Read a .docx with python-docx: heading styles give levels, Word numbering gives list levels."""

from __future__ import annotations

import re
from pathlib import Path

from .clean import Line

_HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _heading_level(style) -> int:
    while style is not None:
        name = style.name or ""
        if name in ("Title", "标题"):
            return 1
        m = _HEADING.match(name)
        if m:
            return int(m.group(1)) + 1  # Title sits above Heading 1
        style = style.base_style
    return 0


def _num_pr(paragraph):
    """(numId, ilvl) from the paragraph, else from its style chain; None when not a list item."""
    pPr = paragraph._p.pPr
    if pPr is not None and pPr.numPr is not None and pPr.numPr.numId is not None:
        ilvl = pPr.numPr.ilvl.val if pPr.numPr.ilvl is not None else 0
        return pPr.numPr.numId.val, ilvl
    style = paragraph.style
    while style is not None:
        spPr = style.element.pPr
        if spPr is not None and spPr.numPr is not None and spPr.numPr.numId is not None:
            ilvl = spPr.numPr.ilvl.val if spPr.numPr.ilvl is not None else 0
            return spPr.numPr.numId.val, ilvl
        style = style.base_style
    return None


class _Numbering:
    """Looks up the indentation of a numbering level: equal indentation = equal outline level."""

    def __init__(self, document) -> None:
        self.abstract: dict[str, object] = {}
        self.nums: dict[int, str] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for a in root.findall(_w("abstractNum")):
            self.abstract[a.get(_w("abstractNumId"))] = a
        for n in root.findall(_w("num")):
            ref = n.find(_w("abstractNumId"))
            if ref is not None:
                self.nums[int(n.get(_w("numId")))] = ref.get(_w("val"))

    def key(self, num_id: int, ilvl: int) -> str:
        a = self.abstract.get(self.nums.get(num_id, ""))
        if a is not None:
            for lvl in a.findall(_w("lvl")):  # type: ignore[attr-defined]
                if int(lvl.get(_w("ilvl"))) == ilvl:
                    ind = lvl.find(f".//{_w('ind')}")
                    left = ind.get(_w("left")) or ind.get(_w("start")) if ind is not None else None
                    if left and left.lstrip("-").isdigit():
                        return f"ind{int(left):05d}"
        return f"lvl{ilvl}"


def read_docx(path: Path) -> list[Line]:
    """Paragraphs in order as Lines (numbered 1, 2, … as the report's 段落 numbers)."""
    import docx

    document = docx.Document(str(path))
    numbering = _Numbering(document)
    lines: list[Line] = []
    counters: dict[str, int] = {}
    order: list[str] = []
    for no, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text
        if not text.strip():
            continue
        level = _heading_level(paragraph.style)
        if level:
            counters.clear()
            order.clear()
            lines.append(Line(no, " ".join(text.split()), heading=level))
            continue
        pr = _num_pr(paragraph)
        if pr is not None and int(pr[0]) != 0:
            key = numbering.key(int(pr[0]), int(pr[1]))
            # a shallower (or equal) item restarts the counts of the levels below it
            if key in order:
                for deeper in order[order.index(key) + 1:]:
                    counters.pop(deeper, None)
                del order[order.index(key) + 1:]
            else:
                order.append(key)
                order.sort()
            counters[key] = counters.get(key, 0) + 1
            first, *more = [t for t in text.split("\n") if t.strip()] or [text]
            lines.append(Line(no, first, list_key=key, list_no=counters[key]))
            lines.extend(Line(no, t) for t in more)
            continue
        lines.extend(Line(no, t) for t in text.split("\n") if t.strip())
    return lines
