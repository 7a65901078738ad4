"""A role booklet read back with its real consumers: pdftotext, pypdf (outline), pdffonts, pdftoppm."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.booklet.render import write_booklet
from generator.booklet.view import booklet_view
from generator.loader import load_or_raise
from generator.versions import procedure_versions
from tests.conftest import CONTENT, run_cli

CLI_IN_PROCESS = True
"""`cli` runs `playbook booklet` through the CLI in this process: these tests are about the booklet
and where it may be written."""

ROLE = "receptionist"
_TOC_LINE = re.compile(r"^\s*(\d+)\.\s*(.+?)\s*\.{3,}\s*(\d+)\s*$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def content():
    return load_or_raise(CONTENT)[0]


@pytest.fixture(scope="module")
def booklet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("booklet") / "receptionist.pdf"
    run = run_cli("booklet", "--role", ROLE, "--out", str(out))
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    return out


def test_every_procedure_title_and_role_phrase_is_printed(booklet: Path, content) -> None:
    text = squash(pdftotext(booklet))
    view = booklet_view(content, role=ROLE)
    assert len(view.procedures) >= 5
    for p in view.procedures:
        assert squash(p.title) in text, p.title
        assert squash(p.version.label) in text, p.version.label
        for s in p.steps:
            assert squash(s.title) in text, s.title
            for ph in s.phrases:
                assert squash(ph.text) in text, ph.text
    assert view.phrases, "the role has phrases of its own"
    for ph in view.phrases:
        assert squash(ph.text) in text, ph.text
    for needle in ("目录", "本岗位规范用语", "术语表", "笔记", "内容指纹", view.fingerprint, "前台接待"):
        assert squash(needle) in text, needle


def test_toc_page_numbers_are_the_pages_where_the_titles_are(booklet: Path, content) -> None:
    toc = pdftotext(booklet, page=2, layout=True)
    entries = [m.groups() for line in toc.splitlines() if (m := _TOC_LINE.match(line))]
    titles = [p.title for p in booklet_view(content, role=ROLE).procedures]
    assert [squash(t) for _, t, _ in entries] == [squash(t) for t in titles]
    previous = 2
    for number, title, page in entries:
        page_no = int(page)
        assert page_no > previous or number == "1"
        on_page = squash(pdftotext(booklet, page=page_no))
        assert squash(f"{number}.{title}") in on_page, (title, page_no)
        if page_no - 1 > 2:  # page 2 is the contents, which names every title
            assert squash(f"{number}.{title}") not in squash(pdftotext(booklet, page=page_no - 1))
        previous = page_no


def test_outline_lists_every_procedure_with_its_steps(booklet: Path, content) -> None:
    reader = PdfReader(str(booklet))
    top = [item for item in reader.outline if not isinstance(item, list)]
    labels = [item.title for item in top]
    view = booklet_view(content, role=ROLE)
    for p in view.procedures:
        assert p.title in labels, p.title
    # each procedure's bookmark is followed by the list of its step bookmarks
    outline = reader.outline
    first = view.procedures[0]
    at = next(i for i, item in enumerate(outline) if not isinstance(item, list) and item.title == first.title)
    steps = outline[at + 1]
    assert isinstance(steps, list) and len(steps) == len(first.steps)
    assert squash(first.steps[0].title) in squash(steps[0].title)
    for label in ("目录", "本岗位规范用语", "术语表", "笔记"):
        assert label in labels


def test_cjk_fonts_are_embedded(booklet: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(booklet)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines() if "CJK" in line]
    assert rows
    assert all(" yes " in row for row in rows), fonts


def test_running_header_and_page_x_of_y(booklet: Path, content) -> None:
    pages = len(PdfReader(str(booklet)).pages)
    first = booklet_view(content, role=ROLE).procedures[0]
    toc = pdftotext(booklet, page=2, layout=True)
    page_no = int(next(m.group(3) for line in toc.splitlines() if (m := _TOC_LINE.match(line))))
    text = pdftotext(booklet, page=page_no)
    assert f"第 {page_no} 页 / 共 {pages} 页" in text
    assert text.lstrip().startswith(first.title)  # the header names the procedure
    assert "第" not in pdftotext(booklet, page=1)  # the cover has no header or footer


def test_a_page_renders_to_png(booklet: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "3", "-l", "3", str(booklet), str(tmp_path / "p")],
                   check=True)
    (png,) = tmp_path.glob("p-*.png")
    assert png.stat().st_size > 5000


def test_same_content_same_bytes(tmp_path: Path, content, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")  # both laid out, not the second taken from the cache
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_booklet(content, a, role="unit-manager")
    write_booklet(content, b, role="unit-manager")
    assert a.read_bytes() == b.read_bytes()


def test_read_and_sign_sheet_lists_every_procedure_with_its_version(tmp_path: Path, content, cli) -> None:
    out = tmp_path / "sign.pdf"
    run = cli("booklet", "--role", ROLE, "--sign", "--out", str(out))
    assert run.code == 0, run.err
    text = squash(pdftotext(out))
    versions = procedure_versions(content)
    for p in booklet_view(content, role=ROLE).procedures:
        assert squash(p.title) in text
        assert versions[p.id].digest in text
    for column in ("姓名", "日期", "签字", "阅读确认单"):
        assert column in text
    assert "需重新确认" not in text


@pytest.mark.parametrize("args, code", [
    (["--role", "nobody"], "H001"),
    (["--domain", "nowhere"], "H001"),
    (["--role", ROLE, "--out", "{tmp}/missing/dir/x.pdf"], "H002"),
    (["--role", ROLE, "--out", "{tmp}"], "H002"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, args: list[str], code: str, cli) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    before = sorted(tmp_path.rglob("*"))
    run = cli("booklet", *args)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    assert re.search(rf"^命令行:1:1: error\[{code}\]: ", run.err, re.M), run.err
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.slow
def test_an_existing_file_is_replaced_only_when_it_is_our_pdf(tmp_path: Path, booklet: Path, cli) -> None:
    """--out at someone's file (a PDF of their own, a spreadsheet) is refused before any layout and
    left byte for byte (H005); a booklet or sign sheet we made is replaced."""
    theirs = tmp_path / "theirs.pdf"
    theirs.write_bytes(b"%PDF-1.7\n% a contract scanned by the store manager\n")
    sheet = tmp_path / "名单.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not ours")
    for target in (theirs, sheet):
        before = target.read_bytes()
        run = cli("booklet", "--role", ROLE, "--sign", "--out", str(target))
        assert run.code == 1 and "Traceback" not in run.err, run.err
        assert re.search(r"^命令行:1:1: error\[H005\]: ", run.err, re.M), run.err
        assert target.read_bytes() == before
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(booklet.read_bytes())
    run = cli("booklet", "--role", ROLE, "--sign", "--out", str(ours))
    assert run.code == 0, run.err
    assert "阅读确认单" in pdftotext(ours)
