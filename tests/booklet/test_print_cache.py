"""One PDF cache for every printable: reused when nothing it is made from changed, rendered again
when the procedure, a template, a referenced file or the fonts change, and never served damaged."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from generator import printing

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checklist"))
from checklist_support import write_content  # noqa: E402

HTML = ("<html><head><style>{css}</style>{link}</head><body><h1>接车检查</h1><p>{text}</p></body></html>")


def _html(text: str = "您好，欢迎光临", link: str = "") -> str:
    return HTML.format(css=printing.stylesheet(), link=link, text=text)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_CACHE", str(folder))
    return folder


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every real WeasyPrint layout (cache misses)."""
    seen: list[str] = []
    real = printing.render

    def counting(html: str, base_url=None):
        seen.append(html)
        return real(html, base_url)

    monkeypatch.setattr(printing, "render", counting)
    return seen


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.pdf"))


def test_same_inputs_reuse_the_pdf(cache: Path, renders: list[str]) -> None:
    first = printing.print_pdf(_html())
    again = printing.print_pdf(_html())
    assert (first.cached, again.cached) == (False, True)
    assert again.data == first.data and again.pages == first.pages == 1
    assert len(renders) == 1 and len(_entries(cache)) == 1
    # Different HTML (a procedure or template change shows up in it) is a different entry.
    other = printing.print_pdf(_html("请问有什么可以帮您"))
    assert not other.cached and other.data != first.data and len(renders) == 2


def test_a_font_change_renders_again(cache: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    printing.print_pdf(_html())
    assert "NotoSansCJK" in printing.font_fingerprint()  # fontconfig resolves the real files
    monkeypatch.setattr(printing, "font_fingerprint", lambda: "Noto Sans CJK SC=/fonts/NotoSansCJK-2.ttc:1:2")
    assert not printing.print_pdf(_html()).cached
    assert printing.print_pdf(_html()).cached
    assert len(renders) == 2


def test_versions_are_part_of_the_key(cache: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    printing.print_pdf(_html())
    monkeypatch.setattr(printing, "_versions", lambda: "weasyprint=99.0\ngenerator=9.9")
    assert not printing.print_pdf(_html()).cached


def test_a_referenced_stylesheet_change_renders_again(cache: Path, renders: list[str], tmp_path: Path) -> None:
    css = tmp_path / "extra.css"
    css.write_text("p { color: #000; }", encoding="utf-8")
    html = _html(link='<link rel="stylesheet" href="extra.css">')
    printing.print_pdf(html, tmp_path)
    assert printing.print_pdf(html, tmp_path).cached
    css.write_text("p { color: #000; font-size: 20pt; }", encoding="utf-8")
    assert not printing.print_pdf(html, tmp_path).cached
    assert len(renders) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "header", "empty"])
def test_a_damaged_entry_is_rendered_again_never_served(cache: Path, renders: list[str], damage: str) -> None:
    good = printing.print_pdf(_html())
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
    again = printing.print_pdf(_html())
    assert not again.cached and again.data == good.data and len(renders) == 2
    assert entry.read_bytes() == raw  # the entry is whole again
    assert printing.print_pdf(_html()).cached


def test_cache_location_and_off_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[str]) -> None:
    monkeypatch.delenv("PLAYBOOK_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert printing.cache_dir() == tmp_path / "xdg" / "playbook" / "printables"
    printing.print_pdf(_html())
    assert len(_entries(tmp_path / "xdg")) == 1
    monkeypatch.setenv("PLAYBOOK_CACHE", "off")
    assert printing.cache_dir() is None
    assert not printing.print_pdf(_html()).cached and not printing.print_pdf(_html()).cached
    assert len(renders) == 3


def test_an_unwritable_cache_never_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PLAYBOOK_CACHE", str(blocker / "cache"))
    assert printing.print_pdf(_html()).data.startswith(b"%PDF")


def _procedure(pid: str, title: str, point: str) -> dict:
    return {"id": pid, "title": title, "summary": "测试流程。", "steps": [
        {"title": "起身问好", "points": [point]}, {"title": "请客户就座", "points": ["引导客户到休息区"]}]}


def test_a_one_line_edit_re_renders_only_the_checklists_it_touches(
        cache: Path, renders: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.checklist import render as checklist
    from generator.loader import load_or_raise
    from generator.print import documents, typst_compiler

    real_typst = typst_compiler.render_json

    def counting_typst(template: str, data: str, timestamp=None) -> bytes:  # Typst layouts count too
        renders.append(data)
        return real_typst(template, data, timestamp)

    monkeypatch.setattr(typst_compiler, "render_json", counting_typst)
    root = write_content(tmp_path / "content", [_procedure("alpha", "接车", "客户进门三秒内起身"),
                                                 _procedure("beta", "交车", "核对结算单")])

    def build() -> dict[str, bytes]:
        content, _ = load_or_raise(root)
        out = tmp_path / "site" / "checklists"
        checklist.render_site_checklists(content, out)
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    first = build()
    assert sorted(first) == ["alpha-a6.pdf", "alpha.pdf", "beta-a6.pdf", "beta.pdf", "role-service-advisor.pdf"]
    assert len(renders) == 5
    assert build() == first and len(renders) == 5  # nothing changed: nothing rendered

    path = root / "procedures" / "alpha.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("客户进门三秒内起身", "客户进门五秒内起身"),
                    encoding="utf-8")
    renders.clear()
    second = build()
    # alpha's A4 page, its counter card and the role's collected checklists; beta is reused.
    texts = [re.sub(r"<[^>]+>", "", h) for h in renders]
    assert len(renders) == 3 and all("交车" not in t.split("岗位")[0] for t in texts)  # none is beta's own
    assert second["beta.pdf"] == first["beta.pdf"] and second["alpha.pdf"] != first["alpha.pdf"]

    # A template change re-renders every checklist: the Typst one (procedures), the HTML one (role sets).
    typst_templates = tmp_path / "print-templates"
    shutil.copytree(typst_compiler.TEMPLATES, typst_templates)
    typ = typst_templates / "checklist.typ"
    typ.write_text(typ.read_text(encoding="utf-8") + "\n// v2\n", encoding="utf-8")
    monkeypatch.setattr(typst_compiler, "TEMPLATES", typst_templates)
    documents._templates_hash.cache_clear()
    templates = tmp_path / "templates"
    shutil.copytree(checklist.TEMPLATES, templates)
    page = templates / "document.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- v2 --></body>"), encoding="utf-8")
    monkeypatch.setattr(checklist, "TEMPLATES", templates)
    checklist._css.cache_clear()
    renders.clear()
    build()
    assert len(renders) == 5
    monkeypatch.undo()
    checklist._css.cache_clear()
    documents._templates_hash.cache_clear()


def test_a_custom_layout_is_its_own_entry(cache: Path, renders: list[str]) -> None:
    def layout(html: str):
        return printing.render(html, None)

    plain = printing.print_pdf(_html())
    mine = printing.print_pdf(_html(), layout=layout)
    assert not mine.cached and mine.data == plain.data and len(renders) == 2
    assert printing.print_pdf(_html(), layout=layout).cached
    assert printing.fingerprint(_html(), layout=layout) != printing.fingerprint(_html())


_SITE_PRINTABLES = """
import concurrent.futures
import sys
from pathlib import Path
pools = []
start = concurrent.futures.ProcessPoolExecutor.__init__
def counted(self, *args, **kwargs):
    pools.append(1)
    start(self, *args, **kwargs)
concurrent.futures.ProcessPoolExecutor.__init__ = counted
from generator.booklet.render import site_jobs as booklet_jobs
from generator.checklist.render import site_jobs as checklist_jobs
from generator.loader import load_or_raise
from generator.site_printables import SitePrintables
content, _ = load_or_raise(Path(sys.argv[1]))
SitePrintables.start(checklist_jobs(content) + booklet_jobs(content), processes=2).finish(Path(sys.argv[2]))
print(len(pools), "weasyprint" in sys.modules)
"""


def test_a_site_build_from_a_warm_cache_starts_no_renderer(cache: Path, tmp_path: Path) -> None:
    """Checklists and booklets the cache has are written by the build itself: no worker process is
    started for them (each would load WeasyPrint, ~1.1 s) and WeasyPrint is not even imported.
    Cold, one pool lays out all of them (the build process takes what no worker started)."""
    import os
    import subprocess

    root = write_content(tmp_path / "content", [_procedure("alpha", "接车", "客户进门三秒内起身"),
                                                 _procedure("beta", "交车", "核对结算单")])
    repo = Path(__file__).resolve().parents[2]

    def build(out: Path) -> tuple[str, dict[str, bytes]]:
        done = subprocess.run([sys.executable, "-c", _SITE_PRINTABLES, str(root), str(out)], cwd=repo,
                              env=dict(os.environ, PLAYBOOK_CACHE=str(cache)), capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip(), {p.relative_to(out).as_posix(): p.read_bytes()
                                     for p in sorted(out.rglob("*.pdf"))}

    started, first = build(tmp_path / "cold")
    assert started.split()[0] == "1" and len(first) == 7  # 4 checklists, the role's, its booklet and sign sheet
    started, again = build(tmp_path / "warm")
    assert started == "0 False"
    assert again == first
