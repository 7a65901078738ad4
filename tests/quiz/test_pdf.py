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
