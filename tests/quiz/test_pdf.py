"""The PDF papers: real text, embedded CJK fonts, A4, and a PNG rendered once for a human look."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.quiz import paper
from generator.quiz.assemble import build_quiz
from generator.quiz.spec import load_spec

from .helpers import shipped, spec_paths

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                 reason="needs poppler-utils")]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    content = shipped()
    spec, _ = load_spec(spec_paths()[0], content)
    data = build_quiz(content, spec).to_json(0)
    out = tmp_path_factory.mktemp("pdf")
    (out / "paper.pdf").write_bytes(paper.pdf(paper.paper_html(data)))
    (out / "key.pdf").write_bytes(paper.pdf(paper.key_html(data)))
    return out, data


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_paper_has_the_questions_as_text(pdfs) -> None:
    out, data = pdfs
    text = re.sub(r"\s+", "", _text(out / "paper.pdf"))
    assert data["title"] in text and "A卷" in text
    for box in ("姓名", "日期", "得分"):
        assert box in text
    for q in data["questions"]:
        assert re.sub(r"\s+", "", q["options"][0]) in text
    assert "正确顺序" in text


def test_key_has_grid_answers_and_explanations(pdfs) -> None:
    out, data = pdfs
    text = re.sub(r"\s+", "", _text(out / "key.pdf"))
    assert "评分表" in text and "解析" in text
    first = data["questions"][0]
    assert re.sub(r"\s+", "", first["explanation"])[:20] in text


def test_fonts_are_embedded_cjk(pdfs) -> None:
    out, _ = pdfs
    fonts = subprocess.run(["pdffonts", str(out / "paper.pdf")], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows
    assert any("CJK" in r for r in rows)
    for r in rows:
        cols = r.split()
        assert "yes" == cols[-5], f"font not embedded: {r}"


def test_paper_is_a4(pdfs) -> None:
    out, _ = pdfs
    info = subprocess.run(["pdfinfo", str(out / "paper.pdf")], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info or "(A4)" in info


def test_render_png_for_a_look(pdfs) -> None:
    """Writes page 1 of the paper and key as PNG under $PLAYBOOK_QUIZ_PNG (when set) for a human to look at."""
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm")
    out, _ = pdfs
    target = Path(os.environ.get("PLAYBOOK_QUIZ_PNG", out))
    target.mkdir(parents=True, exist_ok=True)
    for name in ("paper", "key"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out / f"{name}.pdf"),
                        str(target / name)], check=True)
    pngs = sorted(target.glob("*.png"))
    assert len(pngs) >= 2 and all(p.stat().st_size > 5000 for p in pngs)


# -- layout: what a trainee sees on the printed page -------------------------------------------

_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)"[^>]*>(.*?)</word>')


def _lines(pdf: Path) -> list[list[tuple[int, float, float, list[tuple[float, str]]]]]:
    """Per page, every text line as (page, x, y, [(x, word)]), top to bottom."""
    xml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
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
          audience: str = "测试") -> dict:
    opts = options or ["您好，欢迎光临", "请随我来", "请这边坐", "请慢走"]
    return {"title": "排版测试", "version": "A", "seed": 1, "audience": audience, "pass_mark": 80, "time_limit": 30,
            "questions": [{"id": f"t:{i}", "type": "matching", "prompt": prompt.format(i=i + 1), "options": opts,
                           "answer": 0, "explanation": "解析", "source": "x"} for i in range(n)]}


def _write(tmp_path: Path, html: str, name: str = "paper.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(paper.pdf(html))
    return path


def test_wrapped_question_and_option_text_hang_under_their_first_line(tmp_path: Path) -> None:
    long = "客户看完房准备离开，你面带微笑替客户开门，说了“再见，欢迎再来！”。客户在门口停下来，又问了一遍首期房款和按揭的办理时间，"
    data = _quiz(1, prompt=long * 2 + "\n接下来你应该怎么做？", options=[long, "目送客户走出两米外就可以了", "一直陪客户走到停车场上车"])
    lines = [line for page in _lines(_write(tmp_path, paper.paper_html(data))) for line in page]
    first = next(i for i, (*_, words) in enumerate(lines) if words and words[0][1] == "1.")
    number_x, text_x = lines[first][3][0][0], lines[first][3][1][0]
    assert text_x - number_x > 10
    prompt_rest = lines[first + 1:first + 4]  # the wrapped prompt and the question line under it
    assert all(abs(x - text_x) < 1.5 for _, x, _, _ in prompt_rest), (text_x, prompt_rest)
    a = next(i for i, (*_, words) in enumerate(lines) if words and words[0][1] == "A.")
    option_text_x = lines[a][3][1][0]
    assert abs(lines[a + 1][1] - option_text_x) < 1.5, "a wrapped option hangs under its own text"


def test_pass_mark_is_not_left_alone_on_the_subtitle_line(tmp_path: Path) -> None:
    """「（80%）」 alone on the next line reads like a forgotten fragment."""
    data = _quiz(3, audience="售后维修前台的服务顾问（SA）和前台接待")
    for html, name in ((paper.paper_html(data), "paper.pdf"), (paper.key_html(data), "key.pdf")):
        page = _lines(_write(tmp_path, html, name))[0]
        line = next("".join(w for _, w in words) for *_, words in page if "80%" in "".join(w for _, w in words))
        assert "及格" in line, line


@pytest.mark.parametrize("n", [8, 14, 22])
def test_last_page_is_not_left_with_one_or_two_questions(tmp_path: Path, n: int) -> None:
    """8, 14 and 22 questions of this size fill whole pages and leave one or two for a last page."""
    from weasyprint import HTML

    html = paper.paper_html(_quiz(n))
    plain = len(HTML(string=html, base_url=str(paper.TEMPLATES)).render().pages)
    counts = _per_page(_write(tmp_path, html))
    assert sum(counts) == n
    assert len(counts) == plain, "balancing the pages must not add one"
    assert counts[-1] >= 3, counts
