"""The handbook side: the per-procedure quiz block, the spec self-check page, build outputs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from generator.exports.pack import build_pack
from generator.quiz.site import procedure_quiz_html, spec_page_markdown
from generator.quiz.spec import load_specs

from .helpers import REPO, make_content, shipped, special_content


class _Tree(HTMLParser):
    """Counts top-level elements and checks that tags nest properly."""

    VOID = {"input", "br", "hr", "img", "meta", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.top: list[str] = []
        self.text: list[str] = []
        self.fieldsets = 0

    def handle_starttag(self, tag, attrs):
        if not self.stack:
            self.top.append(tag)
        if tag == "fieldset":
            self.fieldsets += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tree:
    t = _Tree()
    t.feed(html)
    t.close()
    assert t.stack == []
    return t


def _block_data(html: str) -> tuple[_Tree, dict]:
    """The compact block: one <div> holding the quiz as JSON in a <script>, nothing else."""
    tree = parse(html)
    assert tree.top == ["div"]
    m = re.search(r'<script type="application/json" class="pb-quiz-data">(.*?)</script>', html)
    assert m, html[:200]
    assert "<" not in m.group(1), "content text could close the script element"
    return tree, json.loads(m.group(1))


def test_every_procedure_gets_a_single_escaped_block_or_nothing() -> None:
    content = shipped()
    made = 0
    for pid, proc in content.procedures.items():
        html = procedure_quiz_html(content, pid)
        if not html:
            continue
        made += 1
        assert html == procedure_quiz_html(content, pid), "not deterministic"
        assert html.startswith('<div class="pb-quiz"') and html.endswith("</div>")
        assert "\n" not in html
        _tree, data = _block_data(html)
        assert 1 <= len(data["questions"]) <= 5
        if len(proc.steps) >= 5:
            assert len(data["questions"]) >= 3, pid
        assert proc.title in data["title"]
        for q in data["questions"]:
            assert q["type"] in data["kinds"] and q["options"] and q["explanation"]
    assert made >= len(content.procedures) * 0.8


def test_content_text_is_escaped_in_the_block() -> None:
    content = special_content()
    html = procedure_quiz_html(content, "special-proc")
    assert html
    assert "<b>" not in html  # _block_data also proves no "<" inside the JSON
    _tree, data = _block_data(html)
    assert "特殊<流程> & {测试}" in data["title"]


def test_a_procedure_with_nothing_to_ask_gets_nothing() -> None:
    content = make_content([{"id": "tiny", "title": "一步", "domain": "d", "steps": [{"title": "只有一步"}]}])
    assert procedure_quiz_html(content, "tiny") == ""
    assert procedure_quiz_html(content, "no-such-id") == ""


def test_spec_page_survives_markdown_and_links_no_exam_file(tmp_path: Path) -> None:
    content = shipped()
    specs = load_specs(REPO / "quizzes", content)
    for spec in specs:
        page = spec_page_markdown(content, spec, REPO / "quizzes")
        assert page.startswith("# ")
        assert f'href="{spec.stem}.apkg"' in page
        for name in ("paper-", "key-", "sheet-", "quiz-", "moodle-", "gift-", "tiku-", "wesurvey-", "coverage.html"):
            assert f'href="{name}' not in page, name
        assert "下载（培训用）" not in page and "## 在线练习" in page and "培训师资料包" in page
        html = markdown.markdown(page, extensions=["attr_list", "md_in_html", "tables", "toc"])
        block = re.search(r'<div class="pb-quiz".*?</form></div>', html, re.S)
        assert block, "the quiz block did not survive Markdown"
        assert parse(block.group()).fieldsets == spec.total
        assert "<p><div" not in html


@pytest.mark.slow
def test_build_quiz_outputs_writes_every_spec_into_the_pack_and_only_decks_into_the_site(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    import generator.exports.quiz_files as outputs

    real = outputs.version_files
    monkeypatch.setattr(outputs, "version_files", lambda data, formats=outputs.FORMATS, *args: real(
        data, tuple(f for f in formats if f != "pdf"), *args))  # papers' PDFs are covered by the slow tests
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")  # nothing without its PDFs may be kept
    site, pack = tmp_path / "site", tmp_path / "pack"
    assert build_pack(shipped(), REPO / "quizzes", site, pack) == pack.resolve()
    stems = {p.stem for p in (REPO / "quizzes").glob("*.yaml")}
    assert {p.name for p in pack.iterdir() if p.is_dir()} == stems
    for stem in stems:
        folder = pack / stem
        assert (folder / "quiz-A.json").is_file() and (folder / "coverage.html").is_file()
        assert "题目预览" in (folder / "preview.html").read_text(encoding="utf-8")  # for the trainer's review
        assert (folder / f"{stem}.apkg").is_file()
        assert [p.name for p in (site / "quizzes" / stem).iterdir()] == [f"{stem}.apkg"]
    assert {p.name for p in site.rglob("*") if p.is_file()} == {f"{stem}.apkg" for stem in stems}
