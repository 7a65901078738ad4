"""A synthetic trainee and a synthetic copier / phone for answer-sheet tests.

fill() marks a rendered sheet the way people do (solid fill, tick, cross through, light pencil,
filled then crossed out, two answers); distort() then treats the page like a scanner or a phone
would (rotation, perspective on a desk with a shadow, noise, blur, JPEG at quality 50, 1-bit).
Each filled question carries what a careful person would read from it, or None when the honest
reading is "ask a person" (those must be flagged, never guessed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np

CLEAN_MARKS = ("solid", "solid", "tick", "cross")


@dataclass
class Filled:
    question: str
    kind: str                 # how it was marked (solid, tick, cross, withdrawn, pencil, double, blank, order)
    expect: list[int] | None  # the right reading; None = ambiguous, must be flagged
    expect_flag: str | None = None


def rasterise(pdf: bytes, dpi: int, page: int = 0) -> np.ndarray:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        img = doc[page].render(scale=dpi / 72, grayscale=True).to_numpy()
    finally:
        doc.close()
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(img)


class Pen:
    """Draws in millimetres on a page rendered at `dpi`."""

    def __init__(self, img: np.ndarray, dpi: int, rng: random.Random):
        self.img, self.k, self.rng = img, dpi / 25.4, rng

    def _p(self, x: float, y: float) -> tuple[int, int]:
        return round(x * self.k * 16), round(y * self.k * 16)  # 4 bits of sub-pixel precision

    def disc(self, c: list[float], r: float, shade: int) -> None:
        jx, jy = self.rng.uniform(-0.3, 0.3), self.rng.uniform(-0.3, 0.3)
        rr = r * self.rng.uniform(0.85, 1.05)
        cv2.circle(self.img, self._p(c[0] + jx, c[1] + jy), round(rr * self.k * 16), shade, -1, cv2.LINE_AA, 4)
        # a hand does not fill perfectly: a few lighter specks inside
        for _ in range(self.rng.randint(0, 3)):
            sx, sy = c[0] + self.rng.uniform(-r / 2, r / 2), c[1] + self.rng.uniform(-r / 2, r / 2)
            cv2.circle(self.img, self._p(sx, sy), round(0.2 * self.k * 16), min(255, shade + 90), -1, cv2.LINE_AA, 4)

    def line(self, a: tuple[float, float], b: tuple[float, float], width: float = 0.5, shade: int = 30) -> None:
        cv2.line(self.img, self._p(*a), self._p(*b), shade, max(1, round(width * self.k)), cv2.LINE_AA, 4)

    def tick(self, c: list[float], r: float) -> None:
        s = self.rng.uniform(0.9, 1.1)
        x, y = c
        p0, p1, p2 = (x - 0.9 * r * s, y - 0.1 * r), (x - 0.2 * r * s, y + 0.8 * r * s), (x + 1.6 * r * s, y - 1.6 * r * s)
        self.line(p0, p1)
        self.line(p1, p2)

    def cross(self, c: list[float], r: float, reach: float = 1.55) -> None:
        x, y = c
        e = r * reach * self.rng.uniform(0.95, 1.15)
        self.line((x - e, y - e), (x + e, y + e))
        self.line((x - e, y + e), (x + e, y - e))

    def mark(self, kind: str, c: list[float], r: float) -> None:
        if kind == "solid":
            self.disc(c, r, self.rng.randint(15, 60))
        elif kind == "tick":
            self.tick(c, r)
        elif kind == "cross":
            self.cross(c, r)
        elif kind == "pencil":  # a light pencil fill: darker than paper, far lighter than ink
            self.disc(c, r, self.rng.randint(175, 195))
        elif kind == "withdrawn":
            self.disc(c, r, self.rng.randint(15, 60))
            self.cross(c, r, reach=1.65)
        else:
            raise ValueError(kind)


def fill(img: np.ndarray, dpi: int, layout: dict, rng: random.Random, ambiguous: float = 0.15,
         staff_id: str | None = None) -> list[Filled]:
    """Answer every question of the sheet at random; returns what each should read as."""
    pen = Pen(img, dpi, rng)
    filled = []
    for q in layout["questions"]:
        bubbles = q["bubbles"]
        if q["kind"] == "ordering":
            items = sorted({b["item"] for b in bubbles})
            order = items[:]
            rng.shuffle(order)  # order[k] = item placed k-th
            position = {item: k + 1 for k, item in enumerate(order)}
            for b in bubbles:
                if position[b["item"]] == b["position"]:
                    pen.mark(rng.choice(("solid", "solid", "tick")), b["center_mm"], b["radius_mm"])
            filled.append(Filled(q["id"], "order", order))
            continue
        options = [b["option"] for b in bubbles]
        at = {b["option"]: b for b in bubbles}
        roll = rng.random()
        pick = rng.choice(options)
        if roll < ambiguous / 3:
            pen.mark("pencil", at[pick]["center_mm"], at[pick]["radius_mm"])
            filled.append(Filled(q["id"], "pencil", None, "unclear"))
        elif roll < 2 * ambiguous / 3:
            other = rng.choice([o for o in options if o != pick])
            pen.mark("solid", at[pick]["center_mm"], at[pick]["radius_mm"])
            pen.mark("solid", at[other]["center_mm"], at[other]["radius_mm"])
            filled.append(Filled(q["id"], "double", None, "multiple"))
        elif roll < ambiguous:
            filled.append(Filled(q["id"], "blank", [], "blank"))
        elif roll < ambiguous + 0.1:
            wrong = rng.choice([o for o in options if o != pick])
            pen.mark("withdrawn", at[wrong]["center_mm"], at[wrong]["radius_mm"])
            pen.mark("solid", at[pick]["center_mm"], at[pick]["radius_mm"])
            filled.append(Filled(q["id"], "withdrawn", [pick]))
        else:
            kind = rng.choice(CLEAN_MARKS)
            pen.mark(kind, at[pick]["center_mm"], at[pick]["radius_mm"])
            filled.append(Filled(q["id"], kind, [pick]))
    if staff_id is not None and layout.get("id_grid"):
        for b in layout["id_grid"]["bubbles"]:
            if b["digit"] < len(staff_id) and int(staff_id[b["digit"]]) == b["value"]:
                pen.mark("solid", b["center_mm"], b["radius_mm"])
    return filled


def distort(img: np.ndarray, rng: random.Random, *, angle: float = 0.0, phone: bool = False, noise: float = 0.0,
            blur: int = 0, jpeg: int | None = None, one_bit: bool = False) -> np.ndarray:
    out = img
    h, w = out.shape
    if phone:
        # the page lies on a desk, seen from above at an angle, lit from one side
        pad = int(0.25 * max(h, w))
        desk = np.full((h + 2 * pad, w + 2 * pad), rng.randint(95, 140), np.uint8)
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        jitter = lambda: rng.uniform(-0.06, 0.06) * w  # noqa: E731
        dst = np.float32([[pad + jitter(), pad + jitter()], [pad + w + jitter(), pad + jitter()],
                          [pad + w + jitter(), pad + h + jitter()], [pad + jitter(), pad + h + jitter()]])
        m = cv2.getPerspectiveTransform(src, dst)
        page = cv2.warpPerspective(out, m, desk.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=0)
        mask = cv2.warpPerspective(np.full_like(out, 255), m, desk.shape[::-1], borderValue=0)
        out = np.where(mask > 0, page, desk).astype(np.float32)
        gx = np.linspace(rng.uniform(0.55, 0.7), 1.0, out.shape[1], dtype=np.float32)
        gy = np.linspace(1.0, rng.uniform(0.8, 1.0), out.shape[0], dtype=np.float32)
        out = np.clip(out * gx[None, :] * gy[:, None], 0, 255).astype(np.uint8)
    if angle:
        hh, ww = out.shape
        if abs(angle) == 180:
            out = cv2.rotate(out, cv2.ROTATE_180)
        else:  # a page laid a little askew on the scanner bed, which is larger than the page
            m = cv2.getRotationMatrix2D((ww / 2, hh / 2), angle, 1.0)
            cos, sin = abs(m[0, 0]), abs(m[0, 1])
            bw, bh = int(hh * sin + ww * cos), int(hh * cos + ww * sin)
            m[0, 2] += bw / 2 - ww / 2
            m[1, 2] += bh / 2 - hh / 2
            out = cv2.warpAffine(out, m, (bw, bh), flags=cv2.INTER_LINEAR, borderValue=255)
    if blur:
        out = cv2.GaussianBlur(out, (blur, blur), 0)
    if noise:
        n = np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, out.shape)
        out = np.clip(out.astype(np.float32) + n, 0, 255).astype(np.uint8)
    if one_bit:
        out = np.where(out < 150, 0, 255).astype(np.uint8)
    if jpeg:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        assert ok
        out = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return out
