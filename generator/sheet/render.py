"""Answer sheets as PDF: one A4 page per trainee, drawn from the layout (layout.py).

Graphics (markers, QR, bubbles) are one SVG in millimetre units laid over the page, so every
centre lands exactly where sheet-<version>.json says; Chinese text is HTML set in Noto CJK, which
WeasyPrint embeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .. import printing
from .layout import MARKER_DICTIONARY, qr_payload

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "sheet"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Copy:
    """One printed sheet: its serial and, with a roster, whose it is."""

    serial: str
    name: str = ""
    staff_id: str = ""
    store: str = ""
    role: str = ""


@lru_cache(maxsize=8)
def marker_cells(marker_id: int) -> tuple[tuple[int, ...], ...]:
    """The marker's 6x6 cells (1 = black), border included, from OpenCV's own dictionary."""
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICTIONARY))
    image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
    return tuple(tuple(int(v < 128) for v in row) for row in image)


def _marker_svg(marker: dict) -> str:
    x, y, w, _h = marker["box_mm"]
    cell = w / 6
    rects = [f'<rect x="{x + c * cell:.3f}" y="{y + r * cell:.3f}" width="{cell + 0.01:.3f}" height="{cell + 0.01:.3f}"/>'
             for r, row in enumerate(marker_cells(marker["id"])) for c, black in enumerate(row) if black]
    return "".join(rects)


RINGS_DPI = 400  # rings 0.3 mm wide are 5 px: crisp on any office printer


def _cached_png(items: tuple[tuple[float, float, float, str], ...], box: tuple[float, float, float, float]) -> bytes:
    """_static_png through the print cache (kept beside the PDFs, checked by its hash on read):
    drawing it takes most of a second, and most builds draw the same layouts again."""
    import hashlib

    import matplotlib

    key = hashlib.sha256(repr((items, box, RINGS_DPI, matplotlib.__version__)).encode()).hexdigest()
    folder = printing.cache_dir()
    entry = folder / "sheet-layers" / f"{key}.png" if folder else None
    if entry is not None and entry.is_file():
        data = entry.read_bytes()
        if data.startswith(b"\x89PNG") and entry.with_suffix(".sha256").is_file() and \
                entry.with_suffix(".sha256").read_text().strip() == hashlib.sha256(data).hexdigest():
            printing.touch(entry)  # used: least-recently-used pruning keeps it
            return data
    data = _static_png(items, box)
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            printing.write_atomic(entry, data)
            printing.write_atomic(entry.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())
        except OSError:
            pass  # a cache that cannot be written never fails a build
    return data


@lru_cache(maxsize=8)
def _static_png(labelled: tuple[tuple[float, float, float, str], ...], box: tuple[float, float, float, float]) -> bytes:
    """Every bubble ring with its light letter or digit, as one grey picture of ``box`` (mm).

    They are the same on every page: as one image WeasyPrint embeds them once, whereas drawing
    hundreds of circles and text runs costs it most of a second per page. Matplotlib draws them
    (its own DejaVu Sans, so no system font is needed).
    """
    import cv2
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    x0, y0, w_mm, h_mm = box
    fig = Figure(figsize=(w_mm / 25.4, h_mm / 25.4), dpi=RINGS_DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x0 + w_mm)
    ax.set_ylim(y0 + h_mm, y0)
    ax.set_axis_off()
    points_per_mm = 72 / 25.4
    for cx, cy, r, text in labelled:
        ax.add_patch(Circle((cx, cy), r, fill=False, edgecolor="#555555", linewidth=0.3 * points_per_mm))
        ax.text(cx, cy, text, ha="center", va="center_baseline", fontsize=2.3 * points_per_mm, color="#a8a8a8",
                family="DejaVu Sans")
    canvas.draw()
    grey = cv2.cvtColor(np.asarray(canvas.buffer_rgba()), cv2.COLOR_RGBA2GRAY)
    ok, data = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    assert ok
    return data.tobytes()


def static_layer(layout: dict) -> dict:
    """The picture of rings and labels, and where on the page it goes (mm)."""
    import base64

    labelled = [(b, str(b["position"]) if q["kind"] == "ordering" else LETTERS[b["option"]])
                for q in layout["questions"] for b in q["bubbles"]]
    if layout["id_grid"]:
        labelled += [(b, str(b["value"])) for b in layout["id_grid"]["bubbles"]]
    items = tuple((b["center_mm"][0], b["center_mm"][1], b["radius_mm"], t) for b, t in labelled)
    pad = 1.0
    x0 = min(x - r for x, _y, r, _t in items) - pad
    y0 = min(y - r for _x, y, r, _t in items) - pad
    x1 = max(x + r for x, _y, r, _t in items) + pad
    y1 = max(y + r for _x, y, r, _t in items) + pad
    box = (round(x0, 2), round(y0, 2), round(x1 - x0, 2), round(y1 - y0, 2))
    png = _cached_png(items, box)
    return {"uri": "data:image/png;base64," + base64.b64encode(png).decode("ascii"), "box": box}


def _qr_runs(payload: str) -> tuple[str, int]:
    """The QR as segno draws it in SVG (one stroked path of runs, few commands), and its size in modules."""
    import io

    import segno

    qr = segno.make(payload, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="svg", xmldecl=False, svgns=False, nl=False, border=0)
    svg = buf.getvalue().decode("ascii")
    return svg.split(' d="', 1)[1].split('"', 1)[0], qr.symbol_size(border=0)[0]


def _graphics(layout: dict, copy: Copy) -> Markup:
    """The page's own graphics: the four markers and this copy's QR code (vector)."""
    w, h = layout["page_mm"]
    x, y, size, _ = layout["qr"]["box_mm"]
    runs, modules = _qr_runs(qr_payload(layout, copy.serial, copy.staff_id))
    quiet = 2
    scale = size / (modules + 2 * quiet)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphics" viewBox="0 0 {w} {h}" width="{w}mm" height="{h}mm">'
        f'<g fill="#000">{"".join(_marker_svg(m) for m in layout["markers"])}</g>'
        f'<g transform="translate({x + quiet * scale:.3f} {y + quiet * scale:.3f}) scale({scale:.5f})">'
        f'<path stroke="#000" d="{runs}"/></g></svg>')


def sheet_html(layout: dict, copies: list[Copy]) -> str:
    """One HTML document, one page per copy."""
    pages = [{"who": c, "graphics": _graphics(layout, c)} for c in copies]
    title = f'答题卡 · {layout["title"]} · {layout["version"]} 卷'
    return printing.environment(TEMPLATES).get_template("sheet.html.j2").render(
        layout=layout, pages=pages, letters=LETTERS, rings=static_layer(layout),
        css=printing.stylesheet(TEMPLATES / "sheet.css"),
        head=printing.meta_tags(title, "2000-01-01", {"playbook.fingerprint": layout["fingerprint"]}))


def sheet_pdf(layout: dict, copies: list[Copy]) -> bytes:
    """Blank numbered sheets go through the print cache; sheets printed with trainees' names do
    not (personal data stays out of the user's cache)."""
    personal = any(c.name or c.staff_id or c.store or c.role for c in copies)
    return printing.pdf_bytes(sheet_html(layout, copies), TEMPLATES, cache=not personal)
