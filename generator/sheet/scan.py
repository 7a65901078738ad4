"""From a scanned page or a phone photo to a straight, evenly lit picture of the sheet.

OpenCV does the hard parts: ArUco markers (which also tell the rotation), a homography from their
corners to the layout's millimetres, the perspective warp; zxing-cpp reads the QR; PDFium turns
scanned PDFs into pixels; Pillow reads image headers (sizes are checked before anything is decoded,
see the limits below), the pages of a copier's multi-page TIFF and, through pillow-heif, an iPhone's
HEIC photos. Written here: only which marker goes where, the light correction and the limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .layout import MARKER_AT, MARKER_DICTIONARY, MARKER_MM, PAGE_MM, QR_MM

PX_PER_MM = 6.0   # the straightened sheet: 1260 x 1782 px, a bubble is ~28 px across
PDF_DPI = 200     # scanned PDFs are rendered at this resolution (copiers scan at 150-600)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".heic", ".heif")
PICTURE_FORMATS = ("JPEG", "MPO", "PNG", "TIFF", "BMP", "WEBP", "HEIF")
"""As Pillow names them (MPO: some phones' JPEG; HEIF: an iPhone's HEIC photo, through pillow-heif)."""

# --- limits --------------------------------------------------------------------------------------
# Checked on what a file says about itself (an image's header, a PDF page's size) BEFORE anything is
# decoded or rendered: a PNG of 30000 x 30000 px is 150 KB on disk and 1-6 GB in memory, a PDF page
# of 14400 pt rendered at PDF_DPI is 40000 x 40000 px. Every real input fits comfortably; a page or
# file beyond them is reported (G013) and the rest of the stack is still graded.
MAX_IMAGE_PIXELS = 120_000_000
"""One picture: a photo, a page of a scan, an image inside a PDF page. Phones take 12-50 MP (108 MP
in their largest mode, 12000 x 9000), a copier scanning A3 at 600 dpi gives 7016 x 9921 = 70 MP.
120 MP is 120 MB grey, briefly ~4x that while a colour file is decoded."""
A3_PT = (842, 1191)
MAX_PDF_PAGE_PT = 1.5 * A3_PT[1]
"""The longer side of a PDF page: 1786 pt = 63 cm, 1.5x A3 (A4 is 595 x 842 pt). Rendered at
PDF_DPI such a page is at most 4962 x 4962 px = 25 MP; the pixel limit is checked too."""
MAX_PAGES = 1000
"""Pages (or TIFF frames) per file: the stacks of many classes at once; more are reported, not read."""
MAX_FILE_BYTES = 2 * 1024**3
"""Any input file (PDF and multi-page TIFF are read from disk page by page): 1000 pages at ~2 MB."""
MAX_PICTURE_FILE_BYTES = 512 * 1024**2
"""A single picture is read whole into memory before it is decoded: 120 MP uncompressed RGBA is 480 MB."""


class ScanError(ValueError):
    """A page that cannot be read as one of our sheets (message in Chinese)."""


@dataclass(frozen=True)
class ScanPage:
    """One page of input: where it came from, and its pixels (grey, 8 bit)."""

    file: str
    page: int
    pixels: np.ndarray

    @property
    def where(self) -> str:
        return f"{self.file} 第 {self.page} 页"


@dataclass(frozen=True)
class Unreadable:
    """A page, or a whole file (then page 1), that was not read, and why: what is wrong and what to
    do, in Chinese. `too_big`: beyond one of the limits above, rather than damaged or of an unknown type."""

    file: str
    page: int
    reason: str
    too_big: bool = False
    whole_file: bool = False

    @property
    def where(self) -> str:
        return self.file if self.whole_file else f"{self.file} 第 {self.page} 页"


class _Refused(Exception):
    def __init__(self, reason: str, too_big: bool = False):
        super().__init__(reason)
        self.reason, self.too_big = reason, too_big


def pages(path: Path, shown: str) -> Iterator[ScanPage | Unreadable]:
    """Every page of a PDF or of a multi-page TIFF, or the one picture of another image file, numbered
    from 1. A page (or file) that cannot or must not be read comes as Unreadable and the pages after
    it still come; no pixels are decoded or rendered before their size is known to be within limits."""
    suffix = path.suffix.lower()
    if suffix != ".pdf" and suffix not in IMAGE_SUFFIXES:
        yield Unreadable(shown, 1, f"不认识的文件类型 {suffix or '(无扩展名)'}：请给 PDF、JPG、PNG 或 TIFF", whole_file=True)
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Unreadable(shown, 1, f"读不了这个文件（{exc.strerror or exc}）；请检查路径", whole_file=True)
        return
    if size > MAX_FILE_BYTES:
        yield Unreadable(shown, 1, f"文件有 {_size(size)}，超过上限 {_size(MAX_FILE_BYTES)}；请分成几个文件再批改",
                         too_big=True, whole_file=True)
        return
    if suffix == ".pdf":
        yield from _pdf_pages(path, shown)
    else:
        yield from _image_pages(path, shown, size)


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def _pixels(n: float) -> str:
    return f"{n / 1e8:.1f} 亿像素" if n >= 1e8 else f"{n / 1e4:.0f} 万像素"


def _too_many_pixels(width: int, height: int, what: str = "图片") -> str:
    return (f"{what}有 {width}×{height} 像素（{_pixels(width * height)}），超过上限 {_pixels(MAX_IMAGE_PIXELS)}，"
            f"不像一张答题卡的扫描或照片；请用复印机按 A4（150–600 dpi）重新扫描，或用手机的普通模式重新拍照")


def _too_many_pages(shown: str, first_skipped: int) -> Unreadable:
    return Unreadable(shown, first_skipped, f"文件超过 {MAX_PAGES} 页，从这一页起都没有批改；请把扫描件分成几个文件再批改",
                      too_big=True)


def _pdf_pages(path: Path, shown: str) -> Iterator[ScanPage | Unreadable]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception as exc:  # PdfiumError, or whatever a damaged file makes the binding raise
        yield Unreadable(shown, 1, f"无法打开 PDF（{exc}）：文件损坏或设了密码；请重新扫描或重新导出", whole_file=True)
        return
    try:
        count = len(document)
        if count == 0:
            yield Unreadable(shown, 1, "PDF 里一页也没有；请重新扫描", whole_file=True)
        for i in range(min(count, MAX_PAGES)):
            try:
                pixels = _render(document, i)
            except _Refused as refused:
                yield Unreadable(shown, i + 1, refused.reason, refused.too_big)
                continue
            yield ScanPage(shown, i + 1, pixels)
        if count > MAX_PAGES:
            yield _too_many_pages(shown, MAX_PAGES + 1)
    finally:
        document.close()


def _render(document, index: int) -> np.ndarray:
    """One PDF page in grey at PDF_DPI, once its size (and that of every image on it) is known to fit."""
    import math

    import cv2
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        page = document[index]
    except Exception as exc:
        raise _Refused(f"这一页打不开（{exc}）：文件损坏；请重新扫描这一页") from exc
    try:
        width, height = page.get_size()  # points, from the page dictionary: nothing drawn yet
        if not (math.isfinite(width) and math.isfinite(height) and width >= 1 and height >= 1):
            raise _Refused(f"这一页的尺寸不对（{width}×{height} pt）：文件损坏；请重新扫描这一页")
        scale = PDF_DPI / 72
        if max(width, height) > MAX_PDF_PAGE_PT or width * scale * height * scale > MAX_IMAGE_PIXELS:
            raise _Refused(f"这一页有 {width:.0f}×{height:.0f} pt（{width / 72 * 2.54:.0f}×{height / 72 * 2.54:.0f} 厘米），"
                           f"不像扫描的 A4 答题卡（A4 是 595×842 pt，最大认 {MAX_PDF_PAGE_PT:.0f} pt）；"
                           f"请用复印机按 A4 重新扫描", too_big=True)
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            try:  # the size its dictionary declares; the image itself is not decoded
                w, h = image.get_px_size()
            except pdfium.PdfiumError:
                continue
            if w * h > MAX_IMAGE_PIXELS:
                raise _Refused(_too_many_pixels(w, h, "这一页里的扫描图片"), too_big=True)
        pixels = page.render(scale=scale, grayscale=True).to_numpy()
        if pixels.ndim == 3:
            pixels = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY if pixels.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
        return np.ascontiguousarray(pixels)
    except _Refused:
        raise
    except Exception as exc:
        raise _Refused(f"这一页读不出来（{exc}）：文件损坏；请重新扫描这一页") from exc
    finally:
        page.close()


def _image_pages(path: Path, shown: str, size: int) -> Iterator[ScanPage | Unreadable]:
    import warnings

    import cv2
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()  # Pillow opens HEIC (an iPhone's default photo format); registering again is a no-op
    damaged = "无法读取这张图片：文件损坏，或不是 JPG、PNG、TIFF、HEIC 图片；请重新扫描或重新拍照"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit follows
            picture = Image.open(path)  # lazy: reads the header only
    except Image.DecompressionBombError as exc:  # Pillow's own limit (179 MP), above ours
        import re

        n = re.search(r"\((\d+) pixels\)", str(exc))
        yield Unreadable(shown, 1, f"图片有 {_pixels(int(n.group(1))) if n else '过多像素'}，超过上限 "
                                   f"{_pixels(MAX_IMAGE_PIXELS)}，不像一张答题卡的扫描或照片；请用复印机按 A4（150–600 dpi）"
                                   f"重新扫描，或用手机的普通模式重新拍照", too_big=True, whole_file=True)
        return
    except Exception:  # UnidentifiedImageError, OSError, SyntaxError, ...: Pillow on a damaged header
        yield Unreadable(shown, 1, damaged, whole_file=True)
        return
    with picture:
        if picture.format not in PICTURE_FORMATS:
            yield Unreadable(shown, 1, f"这是 {picture.format} 图片，不支持；请存成 JPG、PNG 或 TIFF", whole_file=True)
            return
        if picture.format == "TIFF":
            try:
                several = picture.is_animated
            except Exception:  # a damaged second page: read page by page, and report it there
                several = True
            if several:  # a copier's multi-page TIFF
                yield from _tiff_pages(picture, shown)
                return
        width, height = picture.size
        heif = picture.format == "HEIF"
    if width * height > MAX_IMAGE_PIXELS:
        yield Unreadable(shown, 1, _too_many_pixels(width, height), too_big=True, whole_file=True)
        return
    if size > MAX_PICTURE_FILE_BYTES:
        yield Unreadable(shown, 1, f"图片文件有 {_size(size)}，超过上限 {_size(MAX_PICTURE_FILE_BYTES)}；"
                                   f"请存成 JPG 或压缩过的 PNG、TIFF", too_big=True, whole_file=True)
        return
    try:
        if heif:  # OpenCV has no HEIF decoder; libheif applies the photo's rotation as it decodes
            with Image.open(path) as picture:
                pixels = np.asarray(picture.convert("L"))
        else:
            data = np.fromfile(str(path), dtype=np.uint8)
            pixels = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)  # applies the EXIF orientation of photos
    except (cv2.error, OSError, ValueError, MemoryError):
        pixels = None
    if pixels is None or pixels.size == 0:
        yield Unreadable(shown, 1, damaged, whole_file=True)
        return
    yield ScanPage(shown, 1, pixels)


_ORIENTATION = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
                7: "TRANSVERSE", 8: "ROTATE_90"}  # TIFF/EXIF tag 274 -> the Pillow transpose that undoes it


def _tiff_pages(picture, shown: str) -> Iterator[ScanPage | Unreadable]:
    """Every frame of a multi-page TIFF, each decoded only once its header says it fits."""
    for index in range(MAX_PAGES + 1):
        try:
            picture.seek(index)  # reads that page's header (IFD), not its pixels
        except EOFError:
            return
        except Exception:
            yield Unreadable(shown, index + 1, "TIFF 文件从这一页起损坏了，后面的页都读不出来；请重新扫描这些页")
            return
        if index == MAX_PAGES:
            yield _too_many_pages(shown, index + 1)
            return
        try:
            pixels = _frame_pixels(picture)
        except _Refused as refused:
            yield Unreadable(shown, index + 1, refused.reason, refused.too_big)
            continue
        yield ScanPage(shown, index + 1, pixels)


def _frame_pixels(frame) -> np.ndarray:
    import warnings

    from PIL import Image

    width, height = frame.size
    if width * height > MAX_IMAGE_PIXELS:
        raise _Refused(_too_many_pixels(width, height, "这一页"), too_big=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            frame.load()
        orientation = frame.tag_v2.get(274, 1) if hasattr(frame, "tag_v2") else 1
        if frame.mode in ("L", "1"):
            grey = frame.convert("L") if frame.mode == "1" else frame.copy()
        elif frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
            values = np.asarray(frame, dtype=np.float32)
            top = 65535.0 if frame.mode.startswith("I;16") or values.max(initial=0) > 255 else 255.0
            grey = Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8))
        else:  # palette, RGB(A), CMYK, LA ...
            grey = frame.convert("RGB").convert("L")
        if orientation in _ORIENTATION:
            grey = grey.transpose(getattr(Image.Transpose, _ORIENTATION[orientation]))
        return np.ascontiguousarray(np.asarray(grey, dtype=np.uint8))
    except Exception as exc:
        raise _Refused(f"这一页读不出来（{exc}）：文件损坏；请重新扫描这一页") from exc


def _detector():
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, MARKER_DICTIONARY))
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(dictionary, params)


def find_markers(pixels: np.ndarray) -> dict[int, np.ndarray]:
    """Marker id -> its 4 corners (x, y) in the picture, for ids 0-3 seen exactly once."""
    import cv2

    detector = _detector()
    found: dict[int, np.ndarray] = {}
    attempts = [pixels]
    longest = max(pixels.shape)
    if longest > 2600:  # big phone photos: find the markers on a smaller copy first
        attempts.insert(0, cv2.resize(pixels, None, fx=2000 / longest, fy=2000 / longest,
                                      interpolation=cv2.INTER_AREA))
    attempts.append(cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(pixels))
    for image in attempts:
        scale = pixels.shape[1] / image.shape[1]
        corners, ids, _ = detector.detectMarkers(image)
        if ids is None:
            continue
        seen: dict[int, list[np.ndarray]] = {}
        for c, i in zip(corners, ids.flatten()):
            if int(i) in MARKER_AT:
                seen.setdefault(int(i), []).append(c.reshape(4, 2) * scale)
        here = {i: cs[0] for i, cs in seen.items() if len(cs) == 1}
        if len(here) > len(found):
            found = here
        if len(found) == 4:
            break
    return found


def straighten(pixels: np.ndarray, markers: dict[int, np.ndarray]) -> np.ndarray:
    """The sheet seen square-on at PX_PER_MM, whatever the rotation and perspective of the picture."""
    import cv2

    if len(markers) < 3:
        raise ScanError(f"只找到 {len(markers)} 个定位黑块（需要至少 3 个）：这一页不是答题卡，或四角被遮住、裁掉了")
    source, target = [], []
    for i, corners in sorted(markers.items()):
        x, y = MARKER_AT[i]
        source.extend(corners.tolist())
        target.extend([[x, y], [x + MARKER_MM, y], [x + MARKER_MM, y + MARKER_MM], [x, y + MARKER_MM]])
    h, _ = cv2.findHomography(np.float32(source), np.float32(target) * PX_PER_MM, 0)
    if h is None:
        raise ScanError("定位黑块的位置对不上（页面严重变形？）")
    size = (round(PAGE_MM[0] * PX_PER_MM), round(PAGE_MM[1] * PX_PER_MM))
    return cv2.warpPerspective(pixels, h, size, flags=cv2.INTER_LINEAR, borderValue=255)


def read_qr(sheet: np.ndarray) -> str | None:
    """The QR text of a straightened sheet, or None."""
    import cv2
    import zxingcpp

    x, y, size = QR_MM
    m = 4.0
    crop = sheet[int((y - m) * PX_PER_MM):int((y + size + m) * PX_PER_MM),
                 int((x - m) * PX_PER_MM):int((x + size + m) * PX_PER_MM)]
    for image in (crop, cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC),
                  cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]):
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if found:
            return found[0].text
    return None


def darkness(sheet: np.ndarray) -> np.ndarray:
    """0 (paper) .. 1 (black) per pixel, relative to the paper around it, so shadows and uneven
    light of a photo do not read as ink. The paper's brightness is the local maximum over a
    window wider than any mark, smoothed."""
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (41, 41))
    paper = cv2.dilate(sheet, kernel)
    paper = cv2.blur(paper, (61, 61)).astype(np.float32)
    paper = np.maximum(paper, 40.0)
    return np.clip(1.0 - sheet.astype(np.float32) / paper, 0.0, 1.0)
