"""`playbook serve` rebuilds incrementally (generator/handbook/live.py): after every kind of edit its
site is byte for byte the site a full build writes, the first pass renders only the pages asked
for, and the catch-up renders only the pages whose inputs changed."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import CONTENT, REPO, env, write_config  # noqa: E402

# jieba.load_userdict (called by Material's search plugin on every build) opens the dictionary without
# closing it; CPython closes it when it is dropped, with a ResourceWarning. Builds run in this process here.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

URL = "http://127.0.0.1:8000/"

_FULL_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.site_url = sys.argv[3]
config.plugins.on_startup(command="serve", dirty=False)  # what `mkdocs serve` builds
build(config, serve_url=sys.argv[3])
"""


def _full_build(config: Path, site: Path) -> None:
    """A fresh process builds the site from scratch, as MkDocs' own serve would."""
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run([sys.executable, "-c", _FULL_BUILD, str(config), str(site), URL], cwd=REPO, env=env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def _files(site: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(site).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return out


def _assert_same_site(live: Path, full: Path | dict[str, bytes]) -> None:
    a, b = _files(live), full if isinstance(full, dict) else _files(full)
    assert sorted(a.keys() - b.keys()) == [] and sorted(b.keys() - a.keys()) == []
    differ = [name for name in a if a[name] != b[name]]
    assert differ == [], f"incremental and full builds differ in {differ[:10]}"


@pytest.fixture()
def project(tmp_path: Path):
    """A copy of the shipped content and quiz specs, and a LiveSite over it as `playbook serve` makes it."""
    from mkdocs.config import load_config

    from generator.handbook.live import LiveSite

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    quizzes = tmp_path / "quizzes"
    shutil.copytree(REPO / "quizzes", quizzes)
    config_file = write_config(tmp_path, content, plugin={"quizzes_dir": str(quizzes)})
    site = tmp_path / "live"

    def get_config():
        config = load_config(str(config_file), site_dir=str(site))
        config.site_url = URL
        return config

    get_config().plugins.on_startup(command="serve", dirty=False)
    return LiveSite(get_config, URL), site, content, config_file


def test_incremental_site_equals_a_full_build_after_each_kind_of_edit(project, tmp_path: Path) -> None:
    from generator.handbook.live import pages_of_files, pruned_nav

    live, site, content, config_file = project
    assert pruned_nav(live.get_config())  # the shipped theme set-up: each page keys on its own branch
    full = tmp_path / "full"
    first = live.build()
    pages = first.pages
    assert first.rendered == pages > 50

    procedure = sorted((content / "procedures").glob("*.yaml"))[0]
    page = f"procedures/{yaml.safe_load(procedure.read_text(encoding='utf-8'))['id']}.html"

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def first_pass(saved: Path):
        return live.build(first=lambda playbook, files: pages_of_files(playbook, files, [str(saved)], []))

    # 1. A procedure's title: the first pass renders its page only, with the new title in its nav;
    #    the catch-up re-renders the pages whose nav shows it: the sidebar is pruned to each page's
    #    own branch, so the pages of the same domain, its neighbours and the pages listing it.
    title = yaml.safe_load(procedure.read_text(encoding="utf-8"))["title"]
    edit(procedure, f"title: {title}", "title: 改过的流程名")
    quick = first_pass(procedure)
    assert (quick.pages, quick.rendered) == (1, 1)
    assert quick.changed == {page}
    assert "改过的流程名" in (site / page).read_text(encoding="utf-8")
    catch_up = live.build()
    domain = yaml.safe_load(procedure.read_text(encoding="utf-8"))["domain"]
    peers = [p for p in (content / "procedures").glob("*.yaml")
             if yaml.safe_load(p.read_text(encoding="utf-8"))["domain"] == domain]
    assert len(peers) <= catch_up.rendered < pages - 1 - 20  # its domain's pages, far from all of them
    assert page not in catch_up.changed  # the page of the first pass is not rendered twice
    _full_build(config_file, full)
    _assert_same_site(site, full)

    # 2. One step's text: its procedure page and the few pages that quote it, not the whole site.
    steps = yaml.safe_load(procedure.read_text(encoding="utf-8"))["steps"]
    edit(procedure, str(steps[1]["title"]), "改过的步骤名")
    first_pass(procedure)
    catch_up = live.build()
    assert catch_up.rendered < pages // 4  # often 0: the first pass did it
    _full_build(config_file, full)
    _assert_same_site(site, full)

    # 3. A phrase's wording (a phrases file saved: no procedure is written there).
    phrase_file = next(p for p in sorted((content / "phrases").glob("*.yaml")))
    phrase_text = next(p["text"] for p in yaml.safe_load(phrase_file.read_text(encoding="utf-8")))
    tail = str(phrase_text)[-6:]  # the end of the wording: blanks (words of the text) stay intact
    edit(phrase_file, tail, tail + "请慢走")
    assert first_pass(phrase_file).rendered == 0
    catch_up = live.build()
    assert 0 < catch_up.rendered < pages
    _full_build(config_file, full)
    _assert_same_site(site, full)

    # 4. A role's name (in the nav: every page).
    roles = content / "roles.yaml"
    name = yaml.safe_load(roles.read_text(encoding="utf-8"))[0]["name"]
    edit(roles, f"name: {name}", f"name: {name}（改）")
    first_pass(roles)
    assert live.build().rendered == pages
    _full_build(config_file, full)
    _assert_same_site(site, full)
    after_the_role = _files(full)

    # 5. A procedure added, then deleted again (its page and everything listing it go too): the
    #    content is then as it was after 4, whose full build the live site must equal again.
    data = yaml.safe_load(procedure.read_text(encoding="utf-8"))
    data.update(id="zz-added", title="新增的流程", related=[])
    added = content / "procedures" / "zz-added.yaml"
    added.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert first_pass(added).changed == {"procedures/zz-added.html"}
    live.build()
    _full_build(config_file, full)
    _assert_same_site(site, full)
    added.unlink()
    first_pass(added)
    live.build()
    assert not (site / "procedures" / "zz-added.html").exists()
    _assert_same_site(site, after_the_role)

    # Nothing changed: no page is rendered or written again (404.html and the sitemap, MkDocs' theme
    # templates, are cheap and always written).
    pages_now = [p for p in site.rglob("*.html") if p.name != "404.html"]
    before = {p: p.stat().st_mtime_ns for p in pages_now}
    assert live.build().rendered == 0
    assert {p: p.stat().st_mtime_ns for p in pages_now} == before


def test_first_pass_takes_the_pages_open_in_a_browser(project) -> None:
    from generator.handbook.live import pages_of_files

    live, site, content, _config_file = project
    live.build()
    roles = content / "roles.yaml"
    name = yaml.safe_load(roles.read_text(encoding="utf-8"))[0]["name"]
    roles.write_text(roles.read_text(encoding="utf-8").replace(f"name: {name}", "name: 改过的岗位名", 1), encoding="utf-8")
    viewed = {"phrases.html", "index.html", "tags.html"}
    quick = live.build(first=lambda playbook, files: pages_of_files(playbook, files, [os.fspath(roles)], viewed))
    # The tags page is complete only once every page was read: it waits for the catch-up.
    assert quick.changed == {"phrases.html", "index.html"}
    assert "改过的岗位名" in (site / "index.html").read_text(encoding="utf-8")
    assert "改过的岗位名" not in (site / "glossary.html").read_text(encoding="utf-8")  # not yet: catch-up
    live.build()
    assert "改过的岗位名" in (site / "glossary.html").read_text(encoding="utf-8")


def test_the_server_knows_which_pages_are_open(tmp_path: Path) -> None:
    """A browser's reload poll names its page (Referer) and waits: while it waits, the page is open."""
    import threading
    import time

    from generator.handbook.serve import LiveServer

    server = LiveServer(None, host="127.0.0.1", port=0, root=str(tmp_path), mount_path="/")  # not bound
    try:
        server.poll_response_timeout = 1.0
        environ = {"PATH_INFO": f"/livereload/{server._visible_epoch}/7",
                   "HTTP_REFERER": "http://127.0.0.1:8000/procedures/front-desk.html"}
        poll = threading.Thread(target=server._serve_request, args=(environ, lambda *a: None))
        poll.start()
        time.sleep(0.3)
        assert server.viewed() == {"procedures/front-desk.html"}
        poll.join()
        assert server.viewed() == {"procedures/front-desk.html"}  # still: the browser is about to poll again
        assert server._page_of("http://127.0.0.1:8000/") == "index.html"
        assert server._page_of("http://127.0.0.1:8000/roles/") == "roles/index.html"
    finally:
        server.server_close()


def test_the_nav_is_keyed_per_page_only_where_the_theme_shows_just_the_page_branch(project, tmp_path: Path) -> None:
    from generator.handbook.live import pruned_nav

    live, _site, _content, config_file = project
    config = live.get_config()
    assert pruned_nav(config)
    config.theme["features"] = [*config.theme["features"], "navigation.tabs"]  # tabs list every section
    assert not pruned_nav(config)
    config = live.get_config()
    config.theme["features"] = [f for f in config.theme["features"] if f != "navigation.prune"]
    assert not pruned_nav(config)
    from mkdocs.config import load_config

    overrides = tmp_path / "overrides"
    shutil.copytree(REPO / "site_overrides", overrides)
    (overrides / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")  # may show any nav
    data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    data["theme"]["custom_dir"] = str(overrides)
    other = tmp_path / "other.yml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert not pruned_nav(load_config(str(other)))
