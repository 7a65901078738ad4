"""`playbook quiz SPEC --preview`: every candidate the assembler can draw; the exclude block it writes
round-trips through `--write-exclude` (comments kept, a backup left)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from generator.exports.preview import preview_html
from generator.quiz.assemble import build_quiz
from generator.quiz.candidates import candidates
from generator.quiz.spec import load_spec

from .helpers import shipped

PROC = "sales-office-reception"
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
SPEC = f"""# 复核用的小测验（注释要留着）
title: 预览测试
draws_on:
  procedures: [{PROC}]   # 只考接待
questions:
  next_step: 1
  rule: 1
versions: 26
variation: draw   # 每套抽不同的题：26 套把题库抽遍
# 排除：
exclude:
  - "{PROC}#15"   # 最后一步不考
seed: 3
"""


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "quizzes" / "preview-check.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(SPEC, encoding="utf-8")
    return path


def _boxes(html: str) -> list[tuple[str, bool, bool]]:
    """(id, checked, disabled) of every checkbox on the page."""
    return [(unescape(m["id"]), " checked" in m["rest"], " disabled" in m["rest"])
            for m in re.finditer(r'<input type="checkbox" class="ex" value="(?P<id>[^"]+)"(?P<rest>[^>]*)>', html)]


def test_the_preview_lists_exactly_the_pool_the_assembler_draws_from(tmp_path: Path) -> None:
    spec, problems = load_spec(_spec(tmp_path), shipped())
    assert spec is not None and problems == [], problems
    cands = candidates(shipped(), spec)
    html = preview_html(cands, spec, "quizzes/preview-check.yaml")
    boxes = _boxes(html)
    drawable = {i for i, checked, _ in boxes if not checked}
    # 26 versions of `variation: draw` go round each type's pool: together they draw every candidate
    drawn = {q.id for paper in build_quiz(shipped(), spec).papers for q in paper}
    assert drawn == drawable
    assert len(boxes) == sum(len(qs) for qs in cands.every.values()) > len(drawable) > 10
    # the questions on step 15 are shown, checked and not uncheckable (a pattern took them out)
    out = [(i, d) for i, c, d in boxes if c]
    assert out and all(d for _, d in out)
    assert f"已由 <code>{PROC}#15</code> 排除" in html
    assert 'lang="zh-CN"' in html and "<script src" not in html


def test_content_text_is_escaped_on_the_page(tmp_path: Path) -> None:
    from .helpers import special_content

    path = tmp_path / "special.yaml"
    path.write_text("title: 特殊\ndraws_on: {procedures: [special-proc]}\nquestions: {next_step: 1, cloze: 1}\n",
                    encoding="utf-8")
    content = special_content()
    spec, problems = load_spec(path, content)
    assert spec is not None, problems
    html = preview_html(candidates(content, spec), spec, "special.yaml")
    assert "<b>接待</b>" not in html and "&lt;b&gt;接待&lt;/b&gt;" in html


@pytest.mark.slow
def test_the_checked_block_round_trips_through_write_exclude(tmp_path: Path, browser, cli) -> None:
    path = _spec(tmp_path)
    out = tmp_path / "pack"
    run = cli("quiz", str(path), "--preview", "--out", str(out))
    assert run.code == 0, run.err
    assert "题目预览" in run.out and sorted(p.name for p in out.iterdir()) == [".playbook-output.json", "preview.html"]
    page = browser.new_page()
    try:
        page.goto((out / "preview.html").as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations.map(v => v.id))""")
        assert violations == []
        free = page.locator("input.ex:not([disabled])")
        picked = [free.nth(i).get_attribute("value") for i in (0, 3)]
        for i in (0, 3):
            free.nth(i).check()
        block = page.locator("#block").input_value()
        command = page.locator("#command").text_content()
    finally:
        page.close()
    assert yaml.safe_load(block) == {"exclude": [f"{PROC}#15", *picked]}
    assert command.endswith("--write-exclude " + " ".join(picked))
    pasted = tmp_path / "block.yaml"
    pasted.write_text(block, encoding="utf-8")
    run = cli("quiz", str(path), "--write-exclude", str(pasted))
    assert run.code == 0, run.err
    text = path.read_text(encoding="utf-8")
    assert (path.parent / "preview-check.yaml.bak").read_text(encoding="utf-8") == SPEC
    # every line of the old spec is still there, in order, comments included; only items were added
    assert [line for line in text.splitlines() if line in SPEC.splitlines()] == SPEC.splitlines()
    spec, problems = load_spec(path, shipped())
    assert spec is not None and problems == [], problems
    assert spec.exclude == [f"{PROC}#15", *picked]
    html = preview_html(candidates(shipped(), spec), spec, "x.yaml")
    checked = {i for i, c, d in _boxes(html) if c and not d}
    assert checked == set(picked)
    # written again: nothing to add, nothing changed
    run = cli("quiz", str(path), "--write-exclude", *picked)
    assert run.code == 0 and path.read_text(encoding="utf-8") == text


def test_an_assembled_quiz_gives_the_same_candidates(tmp_path: Path) -> None:
    from generator.quiz.candidates import quiz_candidates

    spec, _ = load_spec(_spec(tmp_path), shipped())
    a, b = candidates(shipped(), spec), quiz_candidates(build_quiz(shipped(), spec))
    assert {t: [q.id for q in qs] for t, qs in a.every.items()} == {t: [q.id for q in qs] for t, qs in b.every.items()}
    assert a.rules == b.rules and a.seed == b.seed
