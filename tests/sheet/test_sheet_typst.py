"""Answer sheets on the Typst print layer: every mark is printed where the layout says (measured on
the page rendered at 300 dpi, to 0.1 mm), names are text never markup, the same input gives the
same bytes, sheets with names stay out of the print cache, and a class prints in under a second."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from generator.print import typst_compiler
from generator.quiz.scoring import quiz_fingerprint
from generator.sheet import scan
from generator.sheet.layout import parse_qr, qr_payload, sheet_layout
from generator.sheet.render import PRINTED, QR_QUIET, TYPST_TEMPLATE, Copy, qr_modules, sheet_data, sheet_pdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import rasterise  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "quizzes" / "new-hire-sales-office.yaml"
DPI = 300
TOLERANCE_MM = 0.1
PAGE_MM = (210.0, 297.0)

HOSTILE = [
    "#set page(width: 1cm)",
    "#pagebreak() #pagebreak()",
    "] #text(size: 80pt)[巨大] [",
    "$x^2$ *粗* _斜_ `码` @引 <签> {括} \\反\\ // 注 /* 块 */",
    '"); #panic("注入") //',
    "#sys.inputs.data",
]


@pytest.fixture(scope="module")
def quiz(tmp_path_factory) -> dict:
    from tests.conftest import run_cli

    out = tmp_path_factory.mktemp("quiz")
    run = run_cli("quiz", str(SPEC), "--out", str(out), "--format", "json")
    assert run.code == 0, run.err
    return json.loads((out / "quiz-A.json").read_text(encoding="utf-8"))


def _layout(quiz: dict, roster: bool) -> dict:
    return sheet_layout(quiz, roster=roster, fingerprint=quiz_fingerprint(quiz))


class Page:
    """A page rendered at DPI, in millimetres. PDFium makes the bitmap a whole number of pixels
    wide and high and stretches the page to fill it, so each axis has its own scale."""

    def __init__(self, pdf: bytes, page: int):
        self.img = rasterise(pdf, DPI, page)
        self.dark = 1.0 - self.img.astype(np.float64) / 255.0
        self.sx, self.sy = self.img.shape[1] / PAGE_MM[0], self.img.shape[0] / PAGE_MM[1]

    def mm(self, x_px: float, y_px: float) -> tuple[float, float]:
        """A pixel position (pixel i covers [i, i + 1)) in mm; pixel centres are at i + 0.5."""
        return x_px / self.sx, y_px / self.sy

    def rows(self, y0: float, y1: float) -> slice:
        return slice(int(np.floor(y0 * self.sy)), int(np.ceil(y1 * self.sy)))

    def cols(self, x0: float, x1: float) -> slice:
        return slice(int(np.floor(x0 * self.sx)), int(np.ceil(x1 * self.sx)))

    def edges(self, rows: slice, cols: slice, axis: int) -> tuple[float, float]:
        """Where ink begins and ends (mm) across the window, along x (axis 0 averages rows) or y,
        to a fraction of a pixel: a partly inked pixel at an edge is that fraction of ink."""
        profile = self.dark[rows, cols].mean(axis=axis)
        ink = np.nonzero(profile > 0.02)[0]
        assert ink.size, "no ink"
        first, last = int(ink[0]), int(ink[-1])
        start = cols.start if axis == 0 else rows.start
        a, b = start + first + 1.0 - profile[first], start + last + profile[last]
        scale = self.sx if axis == 0 else self.sy
        return a / scale, b / scale

    def ring(self, center_mm: list[float], radius_mm: float) -> tuple[float, float, float]:
        """The printed ring around a bubble's centre: its measured centre and mean radius (mm).

        Only pixels darker than the ring's grey count (the light letter inside is lighter), weighted
        by their darkness; the window holds the whole ring and nothing of its neighbours."""
        half = radius_mm + 0.45
        rows = self.rows(center_mm[1] - half, center_mm[1] + half)
        cols = self.cols(center_mm[0] - half, center_mm[0] + half)
        weight = np.clip(150.0 - self.img[rows, cols].astype(np.float64), 0.0, None)
        assert weight.sum() > 0, f"no ring at {center_mm}"
        yy, xx = np.mgrid[rows, cols].astype(np.float64) + 0.5
        x, y = self.mm((weight * xx).sum() / weight.sum(), (weight * yy).sum() / weight.sum())
        radius = (weight * np.hypot(xx / self.sx - x, yy / self.sy - y)).sum() / weight.sum()
        return x, y, radius


@pytest.fixture(scope="module", params=["blank", "roster"])
def printed(request, quiz):
    """A sheet without a roster (with the 工号 grid) and one with a trainee's name."""
    roster = request.param == "roster"
    layout = _layout(quiz, roster)
    who = Copy("007", "王小明", "30017", "万科城") if roster else Copy("007")
    pdf = sheet_pdf(layout, [Copy("006"), who])
    return layout, who, pdf, Page(pdf, 1)


def test_every_bubble_is_printed_where_the_layout_says(printed):
    layout, _who, _pdf, page = printed
    bubbles = [b for q in layout["questions"] for b in q["bubbles"]]
    if layout["id_grid"]:
        bubbles += layout["id_grid"]["bubbles"]
    assert len(bubbles) > 60
    worst = 0.0
    for b in bubbles:
        x, y, r = page.ring(b["center_mm"], b["radius_mm"])
        off = max(abs(x - b["center_mm"][0]), abs(y - b["center_mm"][1]))
        worst = max(worst, off)
        assert off < TOLERANCE_MM, (b, x, y)
        assert abs(r - b["radius_mm"]) < TOLERANCE_MM, (b, r)
    print(f"\n{len(bubbles)} bubbles, worst centre offset {worst:.3f} mm")


def test_markers_are_printed_where_the_layout_says(printed):
    layout, _who, _pdf, page = printed
    for m in layout["markers"]:
        x, y, w, h = m["box_mm"]
        # the border cells are black all round: ink begins and ends at the marker's edges
        left, right = page.edges(page.rows(y + 0.4 * h, y + 0.6 * h), page.cols(x - 1, x + w + 1), axis=0)
        top, bottom = page.edges(page.rows(y - 1, y + h + 1), page.cols(x + 0.4 * w, x + 0.6 * w), axis=1)
        assert np.allclose((left, top, right, bottom), (x, y, x + w, y + h), atol=TOLERANCE_MM), (m, left, top)
    found = scan.find_markers(page.img)  # what the grader finds: its own ArUco detection, sub-pixel corners
    assert sorted(found) == [m["id"] for m in layout["markers"]]
    for m in layout["markers"]:
        corners = np.array([page.mm(x + 0.5, y + 0.5) for x, y in found[m["id"]]])
        assert np.abs(corners - np.array(m["corners_mm"])).max() < TOLERANCE_MM, (m, corners)


def test_qr_is_printed_in_its_box_and_says_the_copy(printed):
    layout, who, _pdf, page = printed
    modules = qr_modules(qr_payload(layout, who.serial, who.staff_id))["modules"]
    x, y, size, _ = layout["qr"]["box_mm"]
    m = size / (modules + 2 * QR_QUIET)
    x0, y0, x1, y1 = x + QR_QUIET * m, y + QR_QUIET * m, x + size - QR_QUIET * m, y + size - QR_QUIET * m
    # measured across the middle of the three finder patterns (modules 2-4 of 7 are dark right across)
    near, far = (x0 + 2.2 * m, x0 + 4.8 * m), (x1 - 4.8 * m, x1 - 2.2 * m)
    left = page.edges(page.rows(y0 + 2.2 * m, y0 + 4.8 * m), page.cols(x - 1, x + size / 2), axis=0)[0]
    right = page.edges(page.rows(y0 + 2.2 * m, y0 + 4.8 * m), page.cols(x + size / 2, x + size + 1), axis=0)[1]
    top = page.edges(page.rows(y - 1, y + size / 2), page.cols(*near), axis=1)[0]
    bottom = page.edges(page.rows(y + size / 2, y + size + 1), page.cols(*near), axis=1)[1]
    top_right = page.edges(page.rows(y - 1, y + size / 2), page.cols(*far), axis=1)[0]
    assert np.allclose((left, top, right, bottom, top_right), (x0, y0, x1, y1, y0), atol=TOLERANCE_MM)
    straight = scan.straighten(page.img, scan.find_markers(page.img))
    qr = parse_qr(scan.read_qr(straight) or "")
    assert qr and qr["serial"] == who.serial and qr["staff_id"] == who.staff_id
    assert qr["fingerprint"] == layout["fingerprint"] and qr["version"] == layout["version"]


def _words(pdf: bytes, tmp_path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words of one page with their boxes in mm (pdftotext -bbox)."""
    import html
    import re

    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    pt = 25.4 / 72
    return [(html.unescape(w), float(a) * pt, float(b) * pt, float(c) * pt, float(d) * pt) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_the_trainee_is_printed_in_the_name_box(printed, tmp_path):
    layout, who, pdf, _img = printed
    nx, ny, nw, nh = layout["name_box"]["box_mm"]
    key, value = 13.0, (nw - 3 * 13.0) / 3  # the three 姓名 / 工号 / 门店 cells and what is written in them
    words = _words(pdf, tmp_path, 2)
    for i, (label, text) in enumerate((("姓名", who.name), ("工号", who.staff_id), ("门店", who.store))):
        left = nx + i * (key + value)
        inside = [w for x0, w in sorted((x0, w) for w, x0, y0, x1, y1 in words
                                        if left < x0 < x1 < left + key + value and ny < y0 < y1 < ny + nh)]
        assert inside == ([label, text] if text else [label]), (label, inside)  # a blank sheet: nothing written
        if text:
            x0 = next(x for w, x, *_ in words if w == text)
            assert x0 > left + key, (text, x0)


# --- text is data ----------------------------------------------------------------------------------

def _squash(s: str) -> str:
    return "".join(s.split())


def test_hostile_names_and_title_are_printed_literally_and_never_change_the_layout(quiz, tmp_path):
    hostile_quiz = dict(quiz, title=HOSTILE[0] + " " + HOSTILE[3])
    plain_quiz = dict(quiz, title="文" * len(hostile_quiz["title"]))
    copies = [Copy(f"{n + 1:03d}", t, f"{40000 + n}", HOSTILE[(n + 2) % len(HOSTILE)]) for n, t in enumerate(HOSTILE)]
    plain = [Copy(c.serial, "文" * len(c.name), c.staff_id, "文" * len(c.store)) for c in copies]
    layout, plain_layout = _layout(hostile_quiz, True), _layout(plain_quiz, True)
    plain_layout["fingerprint"] = layout["fingerprint"]  # the footer and QR say the same
    pdf, reference = sheet_pdf(layout, copies), sheet_pdf(plain_layout, plain)
    assert typst_compiler.page_count(pdf) == len(copies) == typst_compiler.page_count(reference)

    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    for n, c in enumerate(copies):
        for needle in (c.name, c.store, c.staff_id, hostile_quiz["title"]):
            assert _squash(needle) in _squash(pages[n]), (n, needle)
    assert "巨大" not in _squash(text).replace(_squash(HOSTILE[2]), "")  # only where it was written

    # the same page, pixel for pixel, outside the boxes the texts are written in
    nx, ny, nw, nh = layout["name_box"]["box_mm"]
    for n in range(len(copies)):
        a, b = rasterise(pdf, 100, n), rasterise(reference, 100, n)
        k = 100 / 25.4
        for x, y, w, h in ((nx, ny, nw, nh), (28, 17, 120, 6)):  # the name box, the title line
            for img in (a, b):
                img[int(y * k) - 1:int((y + h) * k) + 2, int(x * k) - 1:int((x + w) * k) + 2] = 255
        assert np.array_equal(a, b), f"page {n + 1} differs outside the written boxes"


# --- bytes, cache, speed --------------------------------------------------------------------------

def test_same_input_same_bytes(quiz):
    layout = _layout(quiz, True)
    copies = [Copy("001", "李雷", "30001", "万科城"), Copy("002", "韩梅梅", "30002", "万科城")]
    first = sheet_pdf(layout, copies)
    assert sheet_pdf(_layout(quiz, True), list(copies)) == first
    assert typst_compiler.render(TYPST_TEMPLATE, sheet_data(layout, copies), PRINTED) == first
    blank = _layout(quiz, False)
    assert sheet_pdf(blank, [Copy("001")]) == sheet_pdf(blank, [Copy("001")])
    assert b"/CreationDate (D:20000101" in first or b"<xmp:CreateDate>2000-01-01" in first


def test_sheets_with_names_never_enter_the_print_cache(quiz, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_CACHE", str(cache))
    sheet_pdf(_layout(quiz, True), [Copy("001", "李雷", "30001", "万科城")])
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
    blank = sheet_pdf(_layout(quiz, False), [Copy("001"), Copy("002")])
    stored = list(cache.rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes().endswith(blank)  # blank numbered sheets are cached


def test_a_class_of_thirty_named_sheets_prints_in_under_a_second(quiz):
    layout = _layout(quiz, True)
    copies = [Copy(f"{n:03d}", f"学员{n:02d}", f"{30000 + n}", "万科城") for n in range(1, 31)]
    sheet_pdf(layout, copies[:1])  # the compiler and its fonts, once per process
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        pdf = sheet_pdf(layout, copies)
        best = min(best, time.perf_counter() - t)
    assert typst_compiler.page_count(pdf) == 30
    print(f"\n30 named answer sheets: {best:.2f} s")
    assert best < 1.0, f"30 answer sheets took {best:.2f} s"
