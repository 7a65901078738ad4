"""Content text is shown, never run; bad input fails the build and leaves the old site untouched."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import CONTENT, mkdocs_build, playbook, serve_dir, snapshot, write_config, write_small_content  # noqa: E402

from generator.output_folder import SITE_MARKER, SITE_MARKER_TEXT  # noqa: E402
from tests.conftest import made_once  # noqa: E402

pytestmark = pytest.mark.slow

NASTY = "<script>alert(1)</script> [x](javascript:alert(1)) **bold** { #id } &amp; 完"
SUMMARY = '摘要 " onmouseover="alert(3) ' + NASTY


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped content plus a procedure and a phrase whose text tries to be HTML and Markdown,
    built once per run for both test workers."""
    return made_once(tmp_path_factory, "nasty", _build_nasty) / "site"


def _build_nasty(root: Path) -> None:
    content = root / "content"
    shutil.copytree(CONTENT, content)
    (content / "phrases" / "zz-nasty.yaml").write_text(
        "- id: zz-nasty-phrase\n"
        f"  text: {_q(NASTY)}\n"
        f"  when: {_q('说到 ' + NASTY)}\n"
        "  roles: [receptionist]\n  source: test.txt\n", encoding="utf-8")
    (content / "procedures" / "zz-nasty.yaml").write_text(
        "id: zz-nasty\n"
        f"title: {_q('标题 ' + NASTY)}\n"
        f"summary: {_q(SUMMARY)}\n"
        "domain: sales-office\nroles: [receptionist]\nsource: test.txt\n"
        f"tags: [{_q('<img src=x onerror=alert(2)>')}]\n"
        "steps:\n"
        f"  - title: {_q('步骤 ' + NASTY)}\n"
        f"    points: [{_q('要点 ' + NASTY)}]\n"
        f"    must: [{_q('必须 ' + NASTY)}]\n"
        f"    never: [{_q('严禁 ' + NASTY)}]\n"
        "    phrases: [zz-nasty-phrase]\n"
        "  - title: 第二步\n"
        f"    points: [{_q('二 ' + NASTY)}]\n", encoding="utf-8")
    config = write_config(root, content, plugin={"printables": "never", "self_check": False})
    run = mkdocs_build(config, root / "site")
    assert run.returncode == 0, run.stderr


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_nasty_text_is_escaped_everywhere(nasty_site: Path) -> None:
    page = (nasty_site / "procedures/zz-nasty.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[x](javascript:alert(1))" in page  # shown literally, not a link
    assert "**bold**" in page and "<strong>bold</strong>" not in page
    assert "{ #id }" in page and 'id="id"' not in page
    assert "&amp;amp;" in page  # the author's "&amp;" is shown as typed
    for html_file in nasty_site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not re.search(r"<script>\s*alert", html, re.I), html_file
        assert not re.search(r"<title>[^<]*<(?!/title>)", html), html_file
        assert not re.search(r'content="[^"]*<', html), html_file
        assert 'href="javascript:' not in html.lower(), html_file
        assert "<img src=x" not in html, html_file
    # The phrase's words (what the copy button copies) are text, escaped.
    assert '<blockquote class="pb-phrase-text">&lt;script&gt;alert(1)&lt;/script&gt;' in page
    phrases = (nasty_site / "phrases.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in phrases


def test_nasty_text_runs_nothing_in_a_browser(nasty_site: Path, browser) -> None:
    dialogs: list[str] = []
    with serve_dir(nasty_site) as base:
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            for path in ("procedures/zz-nasty.html", "phrases.html", "roles/receptionist.html", "index.html"):
                page.goto(base + path, wait_until="networkidle")
            page.goto(base + "procedures/zz-nasty.html", wait_until="networkidle")
            shown = page.inner_text("article")
            assert "<script>alert(1)</script>" in shown and "[x](javascript:alert(1))" in shown
            # The copy button (added by playbook.js) copies the exact words and evaluates nothing.
            phrase = page.locator(".pb-phrase", has_text="alert(1)").first
            phrase.locator(".pb-copy").click()
            page.wait_for_function("document.querySelector('.pb-copied') !== null")
            assert page.evaluate("navigator.clipboard.readText()") == NASTY
        finally:
            context.close()
    assert dialogs == []


# --- broken input ------------------------------------------------------------------------------


def _old_site(root: Path) -> tuple[Path, dict[str, bytes]]:
    """A site an earlier build made (its marker says so)."""
    site = root / "site"
    (site / "procedures").mkdir(parents=True)
    (site / SITE_MARKER).write_text(SITE_MARKER_TEXT, encoding="utf-8")
    (site / "index.html").write_text("<p>旧网站</p>", encoding="utf-8")
    (site / "procedures" / "front-desk.html").write_bytes(b"old page \x00\xff")
    return site, snapshot(site)


def test_build_reads_the_content_folder_it_is_given(tmp_path: Path) -> None:
    """`--content content` is honoured even though it reads like the default: a broken copy there
    fails the build, never the good content the mkdocs.yml's docs_dir names."""
    config = write_config(tmp_path / "project", write_small_content(tmp_path / "project" / "content"),
                          plugin={"printables": "never"})
    work = tmp_path / "work"
    broken = write_small_content(work / "content")
    (broken / "procedures" / "front-desk.yaml").write_text("id: front-desk\ntitel: 前台\n", encoding="utf-8")
    run = playbook("build", "--content", "content", "--config", str(config), "--site-dir", str(tmp_path / "site"),
                   cwd=work)
    assert run.returncode == 1 and "front-desk.yaml" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not (tmp_path / "site").exists()


def test_unknown_phrase_fails_with_file_line_and_keeps_the_old_site(tmp_path: Path) -> None:
    content = write_small_content(tmp_path / "content")
    proc = content / "procedures" / "front-desk.yaml"
    proc.write_text(proc.read_text(encoding="utf-8").replace("phrases: [greet]", "phrases: [no-such-phrase]"),
                    encoding="utf-8")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    site, before = _old_site(tmp_path)
    run = playbook("build", "--content", str(content), "--config", str(config), "--site-dir", str(site))
    assert run.returncode == 1, run.stderr
    line = next(i for i, text in enumerate(proc.read_text(encoding="utf-8").splitlines(), 1)
                if "no-such-phrase" in text)
    assert re.search(rf"front-desk\.yaml:{line}:\d+: error\[R003\]", run.stderr), run.stderr
    assert "no-such-phrase" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "mkdocs.yml", "site"]


def test_broken_link_in_a_hand_written_page_fails_strict_and_keeps_the_old_site(tmp_path: Path) -> None:
    content = write_small_content(tmp_path / "content")
    (content / "pages").mkdir()
    (content / "pages" / "guide.md").write_text(
        "# 使用说明\n\n先看[前台接待](../procedures/front-desk.md)，再看[不存在的页面](../procedures/nope.md)。\n",
        encoding="utf-8")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    site, before = _old_site(tmp_path)
    run = playbook("build", "--content", str(content), "--config", str(config), "--site-dir", str(site))
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "nope.md" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "mkdocs.yml", "site"]
    # The same page with the link fixed builds, and is placed in the nav.
    (content / "pages" / "guide.md").write_text("# 使用说明\n\n先看[前台接待](../procedures/front-desk.md)。\n",
                                                encoding="utf-8")
    run = playbook("build", "--content", str(content), "--config", str(config), "--site-dir", str(site))
    assert run.returncode == 0, run.stderr
    assert (site / "pages/guide.html").is_file() and "使用说明" in (site / "index.html").read_text(encoding="utf-8")
    assert snapshot(site) != before


def test_a_build_never_replaces_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """A build swaps the whole site folder, so it goes only into a new or empty folder or a site it
    made (marked; or an unmarked site of an earlier release): never someone's files, never a project."""
    content = write_small_content(tmp_path / "content")
    config = write_config(tmp_path, content, plugin={"printables": "never"})

    def build(site: Path):
        return playbook("build", "--content", str(content), "--config", str(config), "--site-dir", str(site))

    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "合同.docx").write_bytes(b"a trainer's own file")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("notes", encoding="utf-8")
    for target in (mine, project, a_file):
        before = snapshot(target) if target.is_dir() else target.read_bytes()
        run = build(target)
        assert run.returncode == 2, (target, run.stderr)
        assert "error[O005]" in run.stderr and "Traceback" not in run.stderr
        assert (snapshot(target) if target.is_dir() else target.read_bytes()) == before
    assert not [p.name for p in tmp_path.iterdir() if ".building-" in p.name or ".old-" in p.name]

    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(empty).returncode == 0 and (empty / SITE_MARKER).is_file() and (empty / "index.html").is_file()
    assert build(empty).returncode == 0  # its own site: built again in place
    earlier = tmp_path / "earlier"  # a site of the release before the marker
    for name in ("assets/javascripts/playbook.js", "search/search_index.json", "index.html"):
        (earlier / name).parent.mkdir(parents=True, exist_ok=True)
        (earlier / name).write_text("old", encoding="utf-8")
    assert build(earlier).returncode == 0 and (earlier / SITE_MARKER).is_file()


@pytest.mark.parametrize("anchor, ok", [("step-2", True), ("step-9", False)])
def test_links_to_anchors_of_generated_pages_are_checked(tmp_path: Path, anchor: str, ok: bool) -> None:
    """A hand-written page may link to a step (`front-desk.md#step-2`): with the shipped mkdocs.yml
    (anchor validation at `warn`) a wrong anchor fails --strict and a right one passes."""
    content = write_small_content(tmp_path / "content")
    (content / "pages").mkdir()
    (content / "pages" / "guide.md").write_text(
        f"# 使用说明\n\n先看[请客户就座](../procedures/front-desk.md#{anchor})。\n", encoding="utf-8")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    run = mkdocs_build(config, tmp_path / "site")
    assert (run.returncode == 0) is ok, run.stderr
    if not ok:
        assert f"does not contain an anchor '#{anchor}'" in run.stderr
