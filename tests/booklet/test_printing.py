"""The shared print layer: autoescaped templates, embedded CJK fonts, reproducible bytes, atomic writes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator import printing


def test_environment_autoescapes_and_is_shared(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("<p>{{ x }}</p>", encoding="utf-8")
    env = printing.environment(tmp_path)
    assert env is printing.environment(tmp_path)
    assert env.get_template("t.html").render(x="<script>") == "<p>&lt;script&gt;</p>"


def test_same_html_same_pdf_with_cjk_fonts_embedded(tmp_path: Path) -> None:
    head = printing.meta_tags("测试 <标题>", "2024-05-01")
    html = f"<html><head>{head}<style>{printing.stylesheet()}</style></head><body><p>您好，欢迎光临</p></body></html>"
    a, b = printing.pdf_bytes(html, cache=False), printing.pdf_bytes(html, cache=False)
    assert a == b
    target = tmp_path / "x.pdf"
    printing.write_atomic(target, a)
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    assert any("CJK" in line and " yes " in line for line in fonts.splitlines())
    assert list(tmp_path.iterdir()) == [target]


def test_write_atomic_leaves_nothing_on_failure(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        printing.write_atomic(tmp_path / "missing" / "x.pdf", b"data")
    assert list(tmp_path.iterdir()) == []
