"""From a scanned page or a phone photo to a straight, evenly lit picture of the sheet.

OpenCV does the hard parts: ArUco markers (which also tell the rotation), a homography from their
corners to the layout's millimetres, the perspective warp; zxing-cpp reads the QR; PDFium turns
scanned PDFs into pixels. Written here: only which marker goes where and the light correction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .layout import MARKER_AT, MARKER_DICTIONARY, MARKER_MM, PAGE_MM, QR_MM

PX_PER_MM = 6.0   # the straightened sheet: 1260 x 1782 px, a bubble is ~28 px across
PDF_DPI = 200     # scanned PDFs are rendered at this resolution (copiers scan at 150-600)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")


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


def pages(path: Path, shown: str) -> Iterator[ScanPage]:
    """Every page of a PDF, or the one picture in an image file."""
    import cv2

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise ScanError(f"无法打开 PDF：{exc}") from exc
        try:
            for i in range(len(document)):
                bitmap = document[i].render(scale=PDF_DPI / 72, grayscale=True)
                pixels = bitmap.to_numpy()
                if pixels.ndim == 3:
                    pixels = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
                yield ScanPage(shown, i + 1, np.ascontiguousarray(pixels))
        finally:
            document.close()
    elif suffix in IMAGE_SUFFIXES:
        data = np.fromfile(str(path), dtype=np.uint8)
        pixels = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)  # applies the EXIF orientation of photos
        if pixels is None:
            raise ScanError("无法读取这张图片（文件损坏或格式不支持）")
        yield ScanPage(shown, 1, pixels)
    else:
        raise ScanError(f"不认识的文件类型 {suffix or '(无扩展名)'}：请给 PDF、JPG 或 PNG")


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
