"""Is a bubble marked? Judged from ink, with doubt kept as doubt.

Two measures per bubble on the darkness map (scan.darkness):
- fill: the share of the inner disc (inside the printed ring) covered by ink, counted twice, with
  a strict and a lenient darkness threshold (so a light pencil shows as lenient-only ink);
- arms: in how many of the four diagonal sectors just outside the ring a stroke passes. A tick
  or a cross reaches outside the bubble there; a careful fill does not; a fill crossed out with
  x reaches all four.

States: ``empty``, ``marked`` (fill, tick, cross through an empty bubble), ``withdrawn`` (filled,
then crossed out) and ``unclear`` (faint, partial, stray), which is flagged for a person, never
guessed. The thresholds are measured by tests/sheet's synthetic filler over many marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .scan import PX_PER_MM

STRONG, LENIENT = 0.5, 0.28        # darkness of real ink / of anything darker than paper
INNER = 0.72                        # inner disc radius, in bubble radii (the printed ring is at 1.0)
ARM_FROM, ARM_TO = 1.3, 1.85        # the zone outside the ring where strokes are looked for
ARM_HALF_ANGLE = 20.0               # degrees around each diagonal
ARM_INK = 0.08                      # share of a sector that makes it a stroke

FULL = 0.8        # fill at which a bubble is filled in
HEAVY = 0.65      # a cross through an empty bubble stays below this, even thick and blurred
MOSTLY = 0.55     # filled, if not all the way
SOME = 0.12       # fill a tick or a cross through the bubble leaves
TRACE = 0.05      # below this, the inside is clean
FAINT = 0.35      # lenient-only fill at which a light fill is suspected


@dataclass(frozen=True)
class Ink:
    fill: float
    faint: float
    arms: int
    state: str


@lru_cache(maxsize=4)
def _masks(radius_px: float) -> tuple[int, np.ndarray, list[np.ndarray]]:
    half = int(np.ceil(radius_px * ARM_TO)) + 1
    yy, xx = np.mgrid[-half:half + 1, -half:half + 1].astype(np.float32)
    dist = np.hypot(xx, yy)
    inner = dist <= radius_px * INNER
    ring = (dist >= radius_px * ARM_FROM) & (dist <= radius_px * ARM_TO)
    angle = np.degrees(np.arctan2(yy, xx))
    sectors = []
    for centre in (45.0, 135.0, -135.0, -45.0):
        off = np.abs((angle - centre + 180.0) % 360.0 - 180.0)
        sectors.append(ring & (off <= ARM_HALF_ANGLE))
    return half, inner, sectors


def measure(dark: np.ndarray, center_mm: list[float], radius_mm: float) -> Ink:
    half, inner, sectors = _masks(radius_mm * PX_PER_MM)
    cx, cy = round(center_mm[0] * PX_PER_MM), round(center_mm[1] * PX_PER_MM)
    window = dark[cy - half:cy + half + 1, cx - half:cx + half + 1]
    if window.shape != inner.shape:  # at the page edge: nothing sensible to read
        return Ink(0.0, 0.0, 0, "unclear")
    inside = window[inner]
    fill = float(np.mean(inside >= STRONG))
    faint = float(np.mean(inside >= LENIENT))
    arms = sum(float(np.mean(window[s] >= STRONG)) >= ARM_INK for s in sectors)
    return Ink(round(fill, 3), round(faint, 3), arms, judge(fill, faint, arms))


def judge(fill: float, faint: float, arms: int) -> str:
    if fill >= FULL:
        if arms >= 3:
            return "withdrawn"
        return "marked" if arms <= 1 else "unclear"
    if fill >= SOME:
        if arms >= 3 and fill >= HEAVY:
            return "unclear"  # a cross, or a half-filled bubble crossed out: a person decides
        return "marked" if arms >= 1 or fill >= MOSTLY else "unclear"
    if fill < TRACE and faint < FAINT and arms <= 1:
        return "empty"  # one stroke nearby with a clean inside: a neighbour's tick or cross passing by
    return "unclear"
