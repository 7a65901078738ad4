"""One PDF cache for every printable: reused when nothing it is made from changed, laid out again
when the content, a template, the Typst version or the fonts change, and never served damaged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.print import cache as print_cache
from generator.print import documents, typst_compiler

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "checklist"))
from checklist_support import write_content  # noqa: E402


def _document(title: str = "接车检查") -> documents.TypstDocument:
    checklist = {"id": "x", "title": title, "kind": "检查表", "summary": "", "role_line": "前台接待", "domain": "售后",
                 "date": "2026-01-01", "digest": "0", "running": title, "daily": False, "must": [], "never": [],
                 "notes": [], "steps": [{"number": 1, "title": "起身问好", "points": ["客户进门三秒内起身"], "must": [],
                                         "never": [], "timing": [], "internal": False, "phrases": []}]}
    return documents.TypstDocument.of("checklist.typ", {"size": "a4", "title": title, "weekdays": [],
                                                        "checklists": [checklist]})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_CACHE", str(folder))
    return folder


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The data of every real Typst layout (cache misses)."""
    seen: list[str] = []
    real = typst_compiler.render_json

    def counting(template: str, data: str, timestamp=None) -> bytes:
        seen.append(data)
        return real(template, data, timestamp)

    monkeypatch.setattr(typst_compiler, "render_json", counting)
    return seen


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.pdf"))


def test_same_inputs_reuse_the_pdf(cache: Path, layouts: list[str]) -> None:
    first = documents.print_document(_document())
    again = documents.print_document(_document())
    assert (first.cached, again.cached) == (False, True)
    assert again.data == first.data and again.pages == first.pages == 1
    assert len(layouts) == 1 and len(_entries(cache)) == 1
    other = documents.print_document(_document("交车检查"))
    assert not other.cached and other.data != first.data and len(layouts) == 2


def test_a_template_change_lays_out_again(cache: Path, layouts: list[str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Any template file counts (they import common.typ): editing one changes every key."""
    import shutil

    documents.print_document(_document())
    templates = tmp_path / "templates"
    shutil.copytree(typst_compiler.TEMPLATES, templates)
    common = templates / "common.typ"
    common.write_text(common.read_text(encoding="utf-8") + "\n// v2\n", encoding="utf-8")
    monkeypatch.setattr(typst_compiler, "TEMPLATES", templates)
    documents._templates_hash.cache_clear()
    try:
        assert not documents.print_document(_document()).cached
        assert documents.print_document(_document()).cached
    finally:
        monkeypatch.undo()
        documents._templates_hash.cache_clear()
    assert len(layouts) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "header", "empty"])
def test_a_damaged_entry_is_laid_out_again_never_served(cache: Path, layouts: list[str], damage: str) -> None:
    good = documents.print_document(_document())
    [entry] = _entries(cache)
    raw = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        middle = len(raw) // 2
        entry.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0xFF]) + raw[middle + 1:])
    elif damage == "header":
        entry.write_bytes(b"garbage\n" + raw.split(b"\n", 1)[1])
    else:
        entry.write_bytes(b"")
    again = documents.print_document(_document())
    assert not again.cached and again.data == good.data and len(layouts) == 2
    assert entry.read_bytes() == raw  # the entry is whole again
    assert documents.print_document(_document()).cached


def test_cache_location_and_off_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layouts: list[str]) -> None:
    monkeypatch.delenv("PLAYBOOK_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert print_cache.cache_dir() == tmp_path / "xdg" / "playbook" / "printables"
    documents.print_document(_document())
    assert len(_entries(tmp_path / "xdg")) == 1
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    assert print_cache.cache_dir() is None
    assert not documents.print_document(_document()).cached and not documents.print_document(_document()).cached
    assert len(layouts) == 3


def test_an_unwritable_cache_never_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PLAYBOOK_CACHE", str(blocker / "cache"))
    assert documents.print_document(_document()).data.startswith(b"%PDF")


def _procedure(pid: str, title: str, point: str) -> dict:
    return {"id": pid, "title": title, "summary": "测试流程。", "steps": [
        {"title": "起身问好", "points": [point]}, {"title": "请客户就座", "points": ["引导客户到休息区"]}]}


def test_a_one_line_edit_lays_out_only_the_checklists_it_touches(cache: Path, layouts: list[str],
                                                                 tmp_path: Path) -> None:
    from generator.checklist import render as checklist
    from generator.loader import load_or_raise

    root = write_content(tmp_path / "content", [_procedure("alpha", "接车", "客户进门三秒内起身"),
                                                 _procedure("beta", "交车", "核对结算单")])

    def build() -> dict[str, bytes]:
        content, _ = load_or_raise(root)
        out = tmp_path / "site" / "checklists"
        checklist.render_site_checklists(content, out)
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    first = build()
    assert sorted(first) == ["alpha-a6.pdf", "alpha.pdf", "beta-a6.pdf", "beta.pdf", "role-service-advisor.pdf"]
    assert len(layouts) == 5
    assert build() == first and len(layouts) == 5  # nothing changed: nothing laid out

    path = root / "procedures" / "alpha.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("客户进门三秒内起身", "客户进门五秒内起身"),
                    encoding="utf-8")
    layouts.clear()
    second = build()
    # alpha's A4 page, its counter card and the role's collected checklists; beta is reused.
    assert len(layouts) == 3 and all("客户进门五秒内起身" in data for data in layouts)
    assert second["beta.pdf"] == first["beta.pdf"] and second["alpha.pdf"] != first["alpha.pdf"]


_WARM_BUILD = """
import sys, threading
from pathlib import Path
from generator.checklist.render import site_jobs as checklist_jobs
from generator.loader import load_or_raise
from generator.print import typst_compiler
from generator.print.batch import PrintBatch
content, _ = load_or_raise(Path(sys.argv[1]))
batch = PrintBatch.start(checklist_jobs(content))
started = batch._thread is not None
batch.finish(Path(sys.argv[2]))
print(started, typst_compiler.fonts.cache_info().currsize)
"""


def test_a_site_build_from_a_warm_cache_starts_no_layout(cache: Path, tmp_path: Path) -> None:
    """PDFs the cache has are written as they are: no layout thread starts and no font is loaded."""
    root = write_content(tmp_path / "content", [_procedure("alpha", "接车", "客户进门三秒内起身"),
                                                 _procedure("beta", "交车", "核对结算单")])

    def build(out: Path) -> tuple[str, dict[str, bytes]]:
        done = subprocess.run([sys.executable, "-c", _WARM_BUILD, str(root), str(out)], cwd=REPO,
                              env=dict(os.environ, PLAYBOOK_CACHE=str(cache)), capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip(), {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}

    started, first = build(tmp_path / "cold")
    assert started == "True 1" and len(first) == 5  # 4 checklists and the role's set
    started, again = build(tmp_path / "warm")
    assert started == "False 0"
    assert again == first
