"""What `playbook grade` does with inputs that are not a normal scan: a copier's multi-page TIFF
(every page graded), decompression bombs (a PNG of 30000 x 30000 px that is 150 KB on disk, a PDF
page of 14400 pt, a huge image inside an A4 PDF page), damaged files and too many pages. Each is one
clear problem at `file:page:1`, refused before any pixels are decoded; the other pages still count."""

from __future__ import annotations

import json
import os
import random
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pillow_heif import register_heif_opener

from generator.quiz.scoring import Results, Trainee, to_json
from generator.sheet import scan
from generator.sheet.grade import QuizSet, grade_scans

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import distort, fill, rasterise  # noqa: E402

from tests.conftest import made_once, run_cli  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "quizzes" / "new-hire-sales-office.yaml"


@pytest.fixture(scope="module")
def quiz_dir(tmp_path_factory) -> Path:
    """Two answer sheets of each version and the quiz files, made once per run for both test workers."""
    def quiz(root: Path) -> None:
        run = run_cli("quiz", str(SPEC), "--out", str(root / "quiz"), "--format", "json,sheet", "--sheets", "2")
        assert run.code == 0, run.err

    return made_once(tmp_path_factory, "scan-limits-quiz", quiz) / "quiz"


@pytest.fixture(scope="module")
def quizzes(quiz_dir: Path) -> QuizSet:
    load = lambda name: json.loads((quiz_dir / name).read_text(encoding="utf-8"))  # noqa: E731
    return QuizSet({"A": load("quiz-A.json")}, {"A": load("sheet-A.json")})


@pytest.fixture(scope="module")
def sheets(quiz_dir: Path) -> list[np.ndarray]:
    """Sheets 001 and 002 of version A, marked by a synthetic trainee and scanned at 150 dpi."""
    layout = json.loads((quiz_dir / "sheet-A.json").read_text(encoding="utf-8"))
    pdf = (quiz_dir / "sheet-A.pdf").read_bytes()
    out = []
    for page in (0, 1):
        rng = random.Random(page)
        img = rasterise(pdf, 150, page)
        fill(img, 150, layout, rng, ambiguous=0.0)
        out.append(distort(img, rng, angle=1.0, noise=4.0))
    return out


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _blank_rows(width_bytes: int, height: int, prefix: bytes = b"") -> bytes:
    """zlib of `height` white 1-bit rows, compressed row by row (never all in memory)."""
    z = zlib.compressobj(9)
    row = prefix + b"\xff" * width_bytes
    return b"".join(z.compress(row) for _ in range(height)) + z.flush()


def bomb_png(path: Path, side: int = 30000) -> Path:
    """A valid 1-bit PNG of side x side white pixels: ~150 KB on disk, side^2 bytes once decoded grey."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    idat = _blank_rows((side + 7) // 8, side, prefix=b"\x00")  # filter type 0 per row
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))
    return path


def pdf_with_image(path: Path, side: int = 30000) -> Path:
    """An A4 PDF page showing one 1-bit image of side x side px (small on disk)."""
    data = _blank_rows((side + 7) // 8, side)
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
               b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + data + b"\nendstream",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _codes(problems) -> list[tuple[str, int, str]]:
    return sorted((p.file.rsplit("/", 1)[-1], p.line, p.code) for p in problems)


# --- every page of a multi-page TIFF ----------------------------------------------------------------

def test_multipage_tiff_grades_every_sheet(tmp_path: Path, quizzes: QuizSet, sheets: list[np.ndarray]) -> None:
    first, *rest = [Image.fromarray(s) for s in sheets]
    tiff = tmp_path / "copier.tif"
    first.save(tiff, save_all=True, append_images=rest, compression="tiff_lzw", dpi=(150, 150))
    graded, problems = grade_scans([tiff], quizzes, {})
    assert problems == []
    assert [(g.sheet.serial, g.sheet.source) for g in graded] == [("001", f"{tiff} 第 1 页"),
                                                                   ("002", f"{tiff} 第 2 页")]


def test_one_bit_group4_tiff_from_a_copier(tmp_path: Path, quizzes: QuizSet, sheets: list[np.ndarray]) -> None:
    frames = [Image.fromarray(np.where(s < 150, 0, 255).astype(np.uint8)).convert("1") for s in sheets]
    tiff = tmp_path / "copier-g4.tiff"
    frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="group4")
    graded, problems = grade_scans([tiff], quizzes, {})
    assert problems == [] and [g.sheet.serial for g in graded] == ["001", "002"]


def _marked(tmp_path: Path, quiz_dir: Path, name: str, staff_ids: list[str]) -> Path:
    """A TIFF of blank sheets 001, 002… of version A, each with its 工号 marked in the id grid."""
    layout = json.loads((quiz_dir / "sheet-A.json").read_text(encoding="utf-8"))
    pdf = (quiz_dir / "sheet-A.pdf").read_bytes()
    frames = []
    for page, staff_id in enumerate(staff_ids):
        rng = random.Random(10 + page)
        img = rasterise(pdf, 150, page)
        fill(img, 150, layout, rng, ambiguous=0.0, staff_id=staff_id)
        frames.append(Image.fromarray(distort(img, rng, angle=0.5, noise=3.0)))
    tiff = tmp_path / name
    frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(150, 150))
    return tiff


def test_two_sheets_with_the_same_staff_id_count_once(tmp_path: Path, quiz_dir: Path, quizzes: QuizSet) -> None:
    """Blank sheets 001 and 002 both marked 工号 20481 (one person twice, or a misread id): the second
    page is an error at its page, never a second score for the same person."""
    graded, problems = grade_scans([_marked(tmp_path, quiz_dir, "twice.tif", ["20481", "20481"])], quizzes, {})
    assert [(g.sheet.serial, g.sheet.trainee.id) for g in graded] == [("001", "20481")]
    assert _codes(problems) == [("twice.tif", 2, "T005")] and "只能计一次" in problems[0].message


def test_a_staff_id_not_on_the_roster_is_said_and_goes_to_review(tmp_path: Path, quiz_dir: Path,
                                                                 quizzes: QuizSet) -> None:
    """A 工号 read with certainty that the roster does not have (a slip of the pencil): a warning at its
    page, and the id grid goes to review.html for a person to correct; one on the roster takes its name."""
    roster = {"20481": Trainee("张伟", "20481", "一店")}
    tiff = _marked(tmp_path, quiz_dir, "ids.tif", ["20481", "20418"])
    graded, problems = grade_scans([tiff], quizzes, roster)
    assert [(g.sheet.trainee.name, g.sheet.trainee.id, g.staff_id_unclear) for g in graded] == [
        ("张伟", "20481", False), ("", "20418", True)]
    assert "@trainee" in graded[1].crops
    assert [(p.line, p.code, p.severity) for p in problems] == [(2, "T012", "warning")]
    assert "名单里有" not in problems[0].message
    # A roster whose 工号 differ from the sheet's only in leading zeros (Excel kept them as numbers):
    # not taken for that person, but the warning says why
    roster["020418"] = Trainee("李娜", "020418", "一店")
    graded, problems = grade_scans([tiff], quizzes, roster)
    assert [g.sheet.trainee.name for g in graded] == ["张伟", ""]
    assert [(p.line, p.code) for p in problems] == [(2, "T012")] and "名单里有 020418" in problems[0].message


def test_a_scan_whose_file_name_is_not_utf8_is_graded_and_named_visibly(tmp_path: Path, quizzes: QuizSet,
                                                                          sheets: list[np.ndarray]) -> None:
    """扫描.png named in GBK bytes (a copier's share, a zip from a Chinese Windows PC): graded, its name
    kept as \\xNN in the sheet's source so results.json can be written."""
    raw = "扫描".encode("gbk") + b".png"
    Image.fromarray(sheets[0]).save(tmp_path / os.fsdecode(raw))
    graded, problems = grade_scans([tmp_path / os.fsdecode(raw)], quizzes, {})
    assert problems == [] and len(graded) == 1
    assert graded[0].sheet.source.endswith(raw.decode("utf-8", "backslashreplace") + " 第 1 页")
    assert "\\xc3\\xe8.png" in graded[0].sheet.source
    assert json.loads(to_json(Results([g.sheet for g in graded])))["sheets"][0]["source"] == graded[0].sheet.source


def test_a_tiff_with_too_many_pages_is_cut_off_and_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(scan, "MAX_PAGES", 2)
    tiny = [Image.fromarray(np.full((40, 30), v, np.uint8)) for v in (10, 20, 30, 40)]
    tiff = tmp_path / "many.tif"
    tiny[0].save(tiff, save_all=True, append_images=tiny[1:])
    got = list(scan.pages(tiff, "many.tif"))
    assert [type(p).__name__ for p in got] == ["ScanPage", "ScanPage", "Unreadable"]
    assert [p.page for p in got] == [1, 2, 3] and got[2].too_big and "超过 2 页" in got[2].reason


# --- decompression bombs: refused from the header, the rest still graded ---------------------------

def test_bomb_png_is_refused_without_decoding(tmp_path: Path) -> None:
    bomb = bomb_png(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 1_000_000
    probe = (
        "import json, re, sys\n"
        "from pathlib import Path\n"
        "from generator.sheet import scan\n"
        "got = [(type(p).__name__, p.page, getattr(p, 'too_big', None), getattr(p, 'reason', ''))\n"
        "       for p in scan.pages(Path(sys.argv[1]), 'bomb.png')]\n"
        # VmHWM is this process's own peak; ru_maxrss would keep the forking pytest worker's across exec
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "print(json.dumps({'pages': got, 'peak_mb': peak / 1024}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, str(bomb)], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    [(kind, page, too_big, reason)] = report["pages"]
    assert (kind, page, too_big) == ("Unreadable", 1, True)
    assert "9.0 亿像素" in reason and "1.2 亿像素" in reason and "重新扫描" in reason
    # decoding it would take 900 MB for the grey pixels alone (1.8 GB peak with cv2.imdecode)
    assert report["peak_mb"] < 500, report


@pytest.mark.slow
def test_bomb_png_through_the_cli(tmp_path: Path, quiz_dir: Path, cli) -> None:
    bomb = bomb_png(tmp_path / "bomb.png")
    run = cli("grade", str(bomb), "--quiz", str(quiz_dir), "--out", str(tmp_path / "results"))
    assert run.code == 1
    assert "Traceback" not in run.err and "Traceback" not in run.out
    errors = [line for line in run.err.splitlines() if "error[" in line]
    assert len(errors) == 1, run.err
    assert errors[0].startswith(f"{bomb}:1:1: error[G013]: "), errors
    assert "亿像素" in errors[0]
    assert not (tmp_path / "results").exists()


def test_pdf_with_a_14400_pt_page_names_that_page_and_grades_the_others(tmp_path: Path, quizzes: QuizSet,
                                                                       sheets: list[np.ndarray]) -> None:
    import pypdfium2 as pdfium

    scanned = tmp_path / "scanned.pdf"
    first, *rest = [Image.fromarray(s) for s in sheets]
    first.save(scanned, save_all=True, append_images=rest, resolution=150)
    document = pdfium.PdfDocument(str(scanned))
    document.new_page(14400, 14400, index=1)  # the largest page PDF allows: 40000 x 40000 px at 200 dpi
    stack = tmp_path / "stack.pdf"
    document.save(str(stack))
    document.close()

    graded, problems = grade_scans([stack], quizzes, {})
    assert [(g.sheet.serial, g.sheet.source) for g in graded] == [("001", f"{stack} 第 1 页"),
                                                                   ("002", f"{stack} 第 3 页")]
    [problem] = problems
    assert (problem.file, problem.line, problem.col, problem.code) == (str(stack), 2, 1, "G013")
    assert "第 2 页" in problem.message and "14400×14400 pt" in problem.message and "A4" in problem.message


def test_a_huge_image_inside_an_a4_pdf_page_is_refused(tmp_path: Path) -> None:
    got = list(scan.pages(pdf_with_image(tmp_path / "inside.pdf"), "inside.pdf"))
    assert len(got) == 1 and isinstance(got[0], scan.Unreadable)
    assert got[0].page == 1 and got[0].too_big and "30000×30000" in got[0].reason


def test_a_normal_pdf_page_and_a_normal_photo_are_within_the_limits() -> None:
    """The documented real inputs fit: A3 at 600 dpi, a 108 MP phone photo, an A3 PDF page."""
    assert 7016 * 9921 < scan.MAX_IMAGE_PIXELS and 12000 * 9000 < scan.MAX_IMAGE_PIXELS
    assert max(scan.A3_PT) < scan.MAX_PDF_PAGE_PT
    side = scan.MAX_PDF_PAGE_PT * scan.PDF_DPI / 72
    assert side * side < scan.MAX_IMAGE_PIXELS


# --- damaged and unknown files: one problem each, no traceback, the rest graded -------------------

@pytest.mark.slow
@pytest.mark.slow
def test_an_iphone_heic_photo_is_graded_as_its_jpeg_would_be(tmp_path: Path, quizzes: QuizSet,
                                                              sheets: list[np.ndarray]) -> None:
    """HEIC, an iPhone's default photo format (written here by libheif, as the phone does), held
    sideways: read through pillow-heif and graded exactly as the same picture saved as PNG."""
    register_heif_opener()  # for Pillow to write HEIC here
    sideways = np.ascontiguousarray(np.rot90(sheets[0], k=1))
    Image.fromarray(sideways).convert("RGB").save(tmp_path / "IMG_0001.HEIC", quality=90,
                                                  enc_params={"preset": "ultrafast"})  # x265's quick encoder
    Image.fromarray(sideways).save(tmp_path / "same.png")
    assert (tmp_path / "IMG_0001.HEIC").read_bytes()[4:12] == b"ftypheic"
    heic, problems = grade_scans([tmp_path / "IMG_0001.HEIC"], quizzes, {})
    png, _ = grade_scans([tmp_path / "same.png"], quizzes, {})
    assert problems == [] and [g.sheet.serial for g in heic] == ["001"]
    assert [(r.chosen, r.flag) for r in heic[0].sheet.responses] == [(r.chosen, r.flag) for r in png[0].sheet.responses]


def test_damaged_and_unknown_files_are_reported_and_the_good_one_graded(tmp_path: Path, quizzes: QuizSet,
                                                                       sheets: list[np.ndarray]) -> None:
    import cv2

    good = tmp_path / "good.png"
    Image.fromarray(sheets[0]).save(good)
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"not a picture at all " * 50)
    ok, data = cv2.imencode(".png", sheets[1])
    assert ok
    broken = bytearray(data.tobytes())  # a valid header, the pixel data damaged
    at = broken.index(b"IDAT") + 200
    broken[at:at + 4000] = bytes(4000)
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(bytes(broken))
    truncated = tmp_path / "truncated.tif"
    Image.fromarray(sheets[1]).save(truncated, compression="tiff_lzw")
    truncated.write_bytes(truncated.read_bytes()[:60])
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n" + bytes(200))
    unknown = tmp_path / "notes.docx"
    unknown.write_bytes(b"PK\x03\x04")
    iphone = tmp_path / "IMG_0001.HEIC"
    iphone.write_bytes(b"\0\0\0\x18ftypheic" + bytes(100))  # a HEIC whose picture is missing

    files = [garbage, damaged, good, truncated, broken_pdf, unknown, iphone]
    graded, problems = grade_scans(files, quizzes, {})
    assert [g.sheet.serial for g in graded] == ["001"]
    assert _codes(problems) == [("IMG_0001.HEIC", 1, "G008"), ("broken.pdf", 1, "G008"), ("damaged.png", 1, "G008"),
                                ("garbage.jpg", 1, "G008"), ("notes.docx", 1, "G008"), ("truncated.tif", 1, "G008")]
    for p in problems:
        assert p.message.startswith(f"{p.file}：") and "请" in p.message, p.message
        assert "Traceback" not in p.message
