"""The PDF papers and keys (Typst): real text, embedded CJK fonts, A4, pages that read well (hanging
indents, questions kept whole, a balanced last page), content printed as text and never as markup,
the same quiz giving the same bytes; and a PNG rendered once for a human look."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from generator.exports import paper
from generator.print import typst_compiler
from generator.quiz.assemble import build_quiz
from generator.quiz.spec import load_spec

from .helpers import shipped, spec_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "print"))
from typst_support import HOSTILE  # noqa: E402

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                 reason="needs poppler-utils")]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    content = shipped()
    spec, _ = load_spec(spec_paths()[0], content)
    data = build_quiz(content, spec).to_json(0)
    out = tmp_path_factory.mktemp("pdf")
    (out / "paper.pdf").write_bytes(paper.paper_pdf(data))
    (out / "key.pdf").write_bytes(paper.key_pdf(data))
    return out, data


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_paper_has_the_questions_as_text(pdfs) -> None:
    out, data = pdfs
    text = _squash(_text(out / "paper.pdf"))
    assert data["title"] in text and "A卷" in text
    for box in ("姓名", "日期", "得分"):
        assert box in text
    for q in data["questions"]:
        assert _squash(q["options"][0]) in text
    assert "正确顺序" in text


def test_key_has_grid_answers_and_explanations(pdfs) -> None:
    out, data = pdfs
    text = _squash(_text(out / "key.pdf"))
    assert "评分表" in text and "解析" in text
    for q in data["questions"]:
        assert _squash(q["explanation"])[:20] in text
        assert _squash(q["source"]) in text
    grid = _text(out / "key.pdf", "-layout")
    first = data["questions"][0]
    row = next(line for line in grid.splitlines() if re.match(r"\s*1\s", line))
    assert paper.letters(first["answer"]) in row, row


def test_fonts_are_embedded_cjk_with_real_bold(pdfs) -> None:
    out, _ = pdfs
    for name in ("paper.pdf", "key.pdf"):
        fonts = subprocess.run(["pdffonts", str(out / name)], capture_output=True, text=True, check=True).stdout
        rows = [line for line in fonts.splitlines()[2:] if line.strip()]
        assert any("CJK" in r for r in rows)
        assert any("CJK" in r and "Bold" in r for r in rows), rows
        for r in rows:
            cols = r.split()
            assert "yes" == cols[-5], f"font not embedded: {r}"


def test_paper_is_a4_with_sections_as_bookmarks(pdfs) -> None:
    out, data = pdfs
    info = subprocess.run(["pdfinfo", str(out / "paper.pdf")], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info or "(A4)" in info
    doc = pypdfium2.PdfDocument(out / "paper.pdf")
    try:
        titles = [item.get_title() for item in doc.get_toc()]
    finally:
        doc.close()
    sections = paper.paper_data(data)["sections"]
    assert len(sections) >= 2
    assert titles == [f"{s['number']}、{s['name']}（{len(s['questions'])} 题）" for s in sections], titles


def test_pages_are_numbered(pdfs) -> None:
    out, _ = pdfs
    pages = _text(out / "paper.pdf").split("\f")[:-1]
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页/共{len(pages)}页" in _squash(page)
        assert "A卷" in _squash(page)


def test_same_quiz_gives_byte_identical_pdfs(pdfs, monkeypatch) -> None:
    """Laid out again (the print cache off), the bytes do not change."""
    out, data = pdfs
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    assert paper.paper_pdf(data) == (out / "paper.pdf").read_bytes()
    assert paper.key_pdf(data) == (out / "key.pdf").read_bytes()
    for name in ("paper.pdf", "key.pdf"):  # the quiz JSON holds no date, so neither does its PDF
        info = subprocess.run(["pdfinfo", str(out / name)], capture_output=True, text=True, check=True).stdout
        assert "CreationDate" not in info and "ModDate" not in info, info


def test_render_png_for_a_look(pdfs) -> None:
    """Writes page 1 of the paper and key as PNG under $PLAYBOOK_QUIZ_PNG (when set) for a human to look at."""
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm")
    out, _ = pdfs
    target = Path(os.environ.get("PLAYBOOK_QUIZ_PNG", out))
    target.mkdir(parents=True, exist_ok=True)
    for name in ("paper", "key"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out / f"{name}.pdf"),
                        str(target / name)], check=True, capture_output=True)
    pngs = sorted(target.glob("*.png"))
    assert len(pngs) >= 2 and all(p.stat().st_size > 5000 for p in pngs)


# -- layout: what a trainee sees on the printed page -------------------------------------------

_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)"[^>]*>(.*?)</word>')
_WORD_TEXT = re.compile(r"<word [^>]*>(.*?)</word>")


def _lines(pdf: Path) -> list[list[tuple[int, float, float, list[tuple[float, str]]]]]:
    """Per page, every text line as (page, x, y, [(x, word)]), top to bottom."""
    xml = _text(pdf, "-bbox-layout")
    pages = []
    for n, page in enumerate(xml.split("<page ")[1:], start=1):
        lines = [(n, float(x), float(y), [(float(wx), w) for wx, w in _WORD.findall(body)])
                 for x, y, body in _LINE.findall(page)]
        pages.append(sorted(lines, key=lambda t: (round(t[2]), t[1])))
    return pages


def _per_page(pdf: Path) -> list[int]:
    """How many questions start on each page (lines beginning with "12.")."""
    return [sum(1 for *_, words in page if words and re.fullmatch(r"\d+\.", words[0][1])) for page in _lines(pdf)]


def _quiz(n: int, prompt: str = "情境：客户第{i}次来访，想了解项目情况。这时应该说哪一句？", options=None,
          audience: str = "测试", types=None) -> dict:
    opts = options or ["您好，欢迎光临", "请随我来", "请这边坐", "请慢走"]
    types = types or ["matching"] * n
    return {"title": "排版测试", "version": "A", "seed": 1, "audience": audience, "pass_mark": 80, "time_limit": 30,
            "questions": [{"id": f"t:{i}", "type": types[i], "prompt": prompt.format(i=i + 1), "options": opts,
                           "answer": 0, "explanation": "解析", "source": "x"} for i in range(n)]}


def _write(tmp_path: Path, pdf: bytes, name: str = "paper.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def test_wrapped_question_and_option_text_hang_under_their_first_line(tmp_path: Path) -> None:
    long = "客户看完房准备离开，你面带微笑替客户开门，说了“再见，欢迎再来！”。客户在门口停下来，又问了一遍首期房款和按揭的办理时间，"
    data = _quiz(1, prompt=long * 2 + "\n接下来你应该怎么做？", options=[long, "目送客户走出两米外就可以了", "一直陪客户走到停车场上车"])
    lines = [line for page in _lines(_write(tmp_path, paper.paper_pdf(data))) for line in page]
    first = next(i for i, (*_, words) in enumerate(lines) if words and words[0][1] == "1.")
    number_x, text_x = lines[first][3][0][0], lines[first][3][1][0]
    assert text_x - number_x > 10
    prompt_rest = lines[first + 1:first + 4]  # the wrapped prompt and the question line under it
    assert len(prompt_rest) == 3 and all(abs(x - text_x) < 1.5 for _, x, _, _ in prompt_rest), (text_x, prompt_rest)
    a = next(i for i, (*_, words) in enumerate(lines) if words and words[0][1] == "A.")
    option_text_x = lines[a][3][1][0]
    assert option_text_x > text_x + 10, "the option sits right of the question text, after circle and letter"
    assert abs(lines[a + 1][1] - option_text_x) < 1.5, "a wrapped option hangs under its own text"


def test_pass_mark_is_not_left_alone_on_the_subtitle_line(tmp_path: Path) -> None:
    """「（80%）」 alone on the next line reads like a forgotten fragment."""
    for audience in ("售后维修前台的服务顾问（SA）和前台接待", "售后维修前台的服务顾问（SA）和前台接待" * 2,
                     "前台" * 14, "前台" * 17):
        data = _quiz(3, audience=audience)
        for pdf, name in ((paper.paper_pdf(data), "paper.pdf"), (paper.key_pdf(data), "key.pdf")):
            page = _lines(_write(tmp_path, pdf, name))[0]
            line = next("".join(w for _, w in words) for *_, words in page if "80%" in "".join(w for _, w in words))
            assert "答对" in line and "及格" in line, line
            assert not line.startswith(("·", "，", "）", "%")), line


def test_a_question_is_never_split_across_pages(tmp_path: Path) -> None:
    """Long questions of uneven length: every page after the first starts with a question (or a
    section heading), never with the rest of one; each question's options are on its page."""
    prompts = "情境：客户第{i}次来访。" + "客户在门口停下来，又问了一遍首期房款和按揭的办理时间，" * 3
    data = _quiz(12, prompt=prompts, options=["您好，欢迎光临" * 4, "请随我来", "请这边坐" * 6, "请慢走"])
    pages = _lines(_write(tmp_path, paper.paper_pdf(data)))
    assert len(pages) >= 3
    for page in pages[1:]:
        first = page[0][3][0][1]
        assert re.fullmatch(r"\d+\.", first) or first.startswith(("一、", "二、")), page[0]
    for page in pages:
        starts = [w[0][1] for *_, w in page if w]
        letters = [s for s in starts if re.fullmatch(r"[A-D]\.", s)]
        assert len(letters) == 4 * sum(1 for s in starts if re.fullmatch(r"\d+\.", s))


@pytest.mark.parametrize("n", [7, 8, 14, 22])
def test_last_page_is_not_left_with_one_or_two_questions(tmp_path: Path, n: int) -> None:
    """7, 8, 14 and 22 questions of this size fill whole pages and leave one or two for a last page."""
    quiz = _quiz(n)
    plain = paper.paper_data(quiz)
    natural = paper.questions_per_page(plain)
    assert 1 <= len(natural[-1]) < paper.MIN_LAST, natural  # what is to be balanced
    assert typst_compiler.page_count(typst_compiler.render(paper.PAPER_TEMPLATE, plain)) == len(natural)
    counts = _per_page(_write(tmp_path, paper.paper_pdf(quiz)))
    assert sum(counts) == n
    assert len(counts) == len(natural), "balancing the pages must not add one"
    assert counts[-1] >= 3, counts


def test_a_section_heading_moves_with_its_first_question(tmp_path: Path) -> None:
    """When the balancing break falls on the first question of a section, its heading goes with it."""
    quiz = _quiz(8, types=["matching"] * 4 + ["scenario"] * 4)
    data = paper.balanced(quiz)
    assert data["break_before"] == 5  # [1..6] [7, 8] balanced as [1..4] [5..8]
    pages = _text(_write(tmp_path, paper.paper_pdf(quiz))).split("\f")
    assert "二、" not in pages[0] and "二、" in pages[1], pages[:2]
    assert _per_page(tmp_path / "paper.pdf") == [4, 4]




def test_hostile_text_is_printed_literally_and_never_changes_the_layout(tmp_path: Path) -> None:
    def quiz(texts: list[str]) -> dict:
        q = _quiz(6, audience=texts[0])
        q["title"] = "排版" + texts[1]
        for i, item in enumerate(q["questions"]):
            item["prompt"] = f"第{i + 1}题：{texts[i % len(texts)]}\n{texts[(i + 1) % len(texts)]}"
            item["options"] = [texts[(i + k) % len(texts)] for k in range(4)]
            item["explanation"] = texts[(i + 2) % len(texts)]
            item["source"] = texts[(i + 3) % len(texts)]
        return q

    hostile = quiz(HOSTILE)
    plain = quiz(["字" * len(t) for t in HOSTILE])
    for make, name in ((paper.paper_pdf, "paper"), (paper.key_pdf, "key")):
        got = _write(tmp_path, make(hostile), f"{name}.pdf")
        same = _write(tmp_path, make(plain), f"{name}-plain.pdf")
        text = _squash(_text(got))
        for t in HOSTILE:
            assert _squash(t) in text, (name, t)
        assert "巨大" in text and _text(got).count("\f") == _text(same).count("\f")
        assert typst_compiler.page_count(got.read_bytes()) == typst_compiler.page_count(same.read_bytes())
        sizes = {line.split(":", 1)[1].strip() for line in subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "99", str(got)], capture_output=True, text=True, check=True
        ).stdout.splitlines() if re.match(r"Page\s+\d+ size", line)}
        assert len(sizes) == 1 and "595.276 x 841.89" in sizes.pop()
    assert _per_page(tmp_path / "paper.pdf") == _per_page(tmp_path / "paper-plain.pdf")


def test_a_question_taller_than_a_page_breaks_instead_of_running_off_it(tmp_path: Path) -> None:
    """Kept whole, a question longer than a page would run past the bottom margin and lose its options."""
    data = _quiz(3, prompt="很长的题目{i}" + "客户在门口停下来，又问了一遍首期房款和按揭的办理时间，" * 130)
    path = _write(tmp_path, paper.paper_pdf(data))
    xml = _text(path, "-bbox-layout")
    bottom = 841.89 - 18 / 25.4 * 72  # the bottom margin: only the footer goes there
    for page in xml.split("<page ")[1:]:
        for y_max, body in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
                                      page, re.S):
            words = "".join(_WORD_TEXT.findall(body))
            if "页" in words and "共" in words or "排版测试" in words:
                continue
            assert float(y_max) < bottom + 1, words
    assert len(re.findall(r"\b[A-D]\.", _text(path))) == 12
