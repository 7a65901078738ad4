"""`playbook serve`: editing a procedure's YAML changes the served page (live reload)."""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import REPO, preview_server, write_config, write_small_content  # noqa: E402

pytestmark = pytest.mark.slow


def _fetch(url: str) -> str | None:
    """The page, or None while the server cannot give it whole (not up yet, or a file it was
    sending was rewritten by the rebuild under it: the next poll asks again)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (OSError, http.client.HTTPException):
        return None


def _poll(url: str, needle: str, timeout: float, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the preview server stopped"
        page = _fetch(url)
        if page is not None and needle in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {needle!r} within {timeout:.0f} s")


def test_editing_yaml_under_serve_changes_the_served_page(tmp_path: Path) -> None:
    # A small content folder keeps each rebuild to a few seconds; the mechanism is the same.
    content = write_small_content(tmp_path / "content", title="前台接待")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    with preview_server(content, config, tmp_path / "serve.log") as (server, port):
        url = f"http://127.0.0.1:{port}/procedures/front-desk.html"
        first = _poll(url, "前台接待", 90, server)
        assert "迎宾接待新流程" not in first
        proc = content / "procedures" / "front-desk.yaml"
        proc.write_text(proc.read_text(encoding="utf-8").replace("title: 前台接待", "title: 迎宾接待新流程"),
                        encoding="utf-8")
        page = _poll(url, "迎宾接待新流程", 60, server)
        assert "<h1" in page and "迎宾接待新流程" in page.split("<h1", 1)[1]
        # mkdocs serve injects its live-reload script, so an open browser tab reloads by itself.
        assert "livereload" in page
    assert server.returncode is not None
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in output, output


def test_serve_polls_on_request_and_watches_the_theme_overrides(tmp_path: Path) -> None:
    """``--poll`` (for mounts that send no file events) still sees a saved YAML; a saved stylesheet
    in the theme override folder is served at once, and a saved template re-renders the pages."""
    content = write_small_content(tmp_path / "content", title="前台接待")
    overrides = tmp_path / "overrides"
    shutil.copytree(REPO / "site_overrides", overrides)
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["theme"]["custom_dir"] = str(overrides)
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with preview_server(content, config, tmp_path / "serve.log", "--poll") as (server, port):
        base = f"http://127.0.0.1:{port}"
        _poll(f"{base}/procedures/front-desk.html", "前台接待", 90, server)
        proc = content / "procedures" / "front-desk.yaml"
        proc.write_text(proc.read_text(encoding="utf-8").replace("title: 前台接待", "title: 迎宾接待新流程"),
                        encoding="utf-8")
        _poll(f"{base}/procedures/front-desk.html", "迎宾接待新流程", 60, server)
        css = overrides / "assets" / "stylesheets" / "playbook.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n.saved-while-serving { color: #000; }\n",
                       encoding="utf-8")
        _poll(f"{base}/assets/stylesheets/playbook.css", "saved-while-serving", 60, server)
        (overrides / "main.html").write_text(
            '{% extends "base.html" %}\n{% block announce %}本周培训：三件套{% endblock %}\n', encoding="utf-8")
        _poll(f"{base}/procedures/front-desk.html", "本周培训：三件套", 60, server)
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in output, output


def test_serve_answers_before_the_whole_site_is_written(tmp_path: Path) -> None:
    """At start only the home page is written before the server answers; a page asked for while the
    catch-up writes the rest is rendered for that request, and a request for the search index gets
    it once the catch-up wrote it (not a 404)."""
    from concurrent.futures import ThreadPoolExecutor

    sys.path.insert(0, str(REPO))
    from benchmarks.corpus import write_corpus

    content = write_corpus(tmp_path / "content", 300)
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    log = tmp_path / "serve.log"
    with preview_server(content, config, log) as (server, port):
        base = f"http://127.0.0.1:{port}"
        _poll(f"{base}/index.html", "服务手册", 120, server)
        assert "全部页面已更新" not in log.read_text(encoding="utf-8")
        waiting = ThreadPoolExecutor(1)
        def patient(url: str) -> str:
            with urllib.request.urlopen(url, timeout=180) as response:
                return response.read().decode("utf-8")

        early_index = waiting.submit(patient, f"{base}/search/search_index.json")  # as a page's search asks
        page = _fetch(f"{base}/procedures/procedure-250.html")
        caught_up = "全部页面已更新" in log.read_text(encoding="utf-8")
        assert page is not None and "流程250" in page.split("<h1", 1)[1]
        assert not caught_up, "the catch-up was done before the page was asked for: make the corpus bigger"
        assert _fetch(f"{base}/procedures/no-such-procedure.html") is None  # 404 at once, not a hang
        deadline = time.monotonic() + 180
        while "全部页面已更新" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.5)
        index = _fetch(f"{base}/search/search_index.json")
        assert index is not None and "procedures/procedure-299.html" in index
        assert early_index.result(timeout=60) == index
        waiting.shutdown()
    output = log.read_text(encoding="utf-8")
    assert "首页已生成" in output and "Traceback" not in output, output
    assert "code 404" not in output.split("no-such-procedure")[0], output  # the early index request waited


def test_serve_with_printables_always_serves_the_pdfs(tmp_path: Path) -> None:
    """``printables: always`` under serve: the catch-up (a full pass) lays out the PDFs, first passes do not."""
    content = write_small_content(tmp_path / "content", title="前台接待")
    config = write_config(tmp_path, content, plugin={"printables": "always"})
    log = tmp_path / "serve.log"
    with preview_server(content, config, log) as (server, port):
        base = f"http://127.0.0.1:{port}"
        _poll(f"{base}/procedures/front-desk.html", "前台接待", 90, server)
        deadline = time.monotonic() + 300
        while "全部页面已更新" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/checklists/front-desk.pdf", timeout=10) as response:
            assert response.read(5) == b"%PDF-"
    output = log.read_text(encoding="utf-8")
    assert "Traceback" not in output, output
