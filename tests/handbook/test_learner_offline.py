"""Installable and offline: over http the service worker precaches the site on the first visit, so
an unvisited page opens and search answers with the network off; a new build replaces the cache."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import mkdocs_build, serve_dir, write_config, write_small_content  # noqa: E402

pytestmark = pytest.mark.slow

UNVISITED = "procedures/car-sales-process.html"


def _cache_name(site: Path) -> str:
    return re.search(r'var CACHE = "([^"]+)"', (site / "sw.js").read_text(encoding="utf-8")).group(1)


def _installed(page) -> list[str]:
    """Wait until the service worker is active (its precache is complete); the cache names."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    return page.evaluate("() => caches.keys()")


def test_manifest_and_worker_are_written_with_the_precache(built_site: Path) -> None:
    manifest = json.loads((built_site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "./index.html" and (built_site / manifest["icons"][0]["src"]).is_file()
    worker = (built_site / "sw.js").read_text(encoding="utf-8")
    precache = json.loads(re.search(r"var PRECACHE = (.*);", worker).group(1))
    assert {"index.html", UNVISITED, "search/search_index.json", "assets/javascripts/learner.js"} <= set(precache)
    assert not [p for p in precache if p.endswith((".pdf", ".apkg", ".map"))]
    assert all((built_site / p).is_file() for p in precache)


def test_after_the_first_visit_pages_and_search_work_offline(browser, site_url: str, built_site: Path) -> None:
    context = browser.new_context(locale="zh-CN")
    requests: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    try:
        page.goto(site_url + "index.html")
        assert _cache_name(built_site) in _installed(page)
        context.set_offline(True)
        page.goto(site_url + UNVISITED)
        assert "汽车销售流程" in page.inner_text("h1")
        box = page.locator("input.md-search__input")
        box.click()
        page.keyboard.type("投诉")
        for _ in range(15):
            try:
                page.wait_for_selector("li.md-search-result__item > a", timeout=2000)
                break
            except Exception:
                page.keyboard.press("End")  # a keyup before the worker had its index is lost
        assert page.locator("li.md-search-result__item > a").count() > 0
    finally:
        context.close()
    assert [u for u in requests if not u.startswith(site_url)] == []


def test_opened_from_disk_no_worker_and_progress_still_kept(browser, built_site: Path) -> None:
    page = browser.new_page()
    try:
        page.goto((built_site / "index.html").as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("() => document.querySelector('link[rel=manifest]')") is None
        page.goto((built_site / "procedures" / "phone-reception-etiquette.html").as_uri())
        page.click("[data-mark-read]")
        page.goto((built_site / "learn" / "receptionist.html").as_uri())
        assert page.get_attribute("[data-path-progress]", "data-path-progress").startswith("1/")
    finally:
        page.close()


def test_a_new_build_replaces_the_cache(browser, tmp_path: Path) -> None:
    content = write_small_content(tmp_path / "content")
    config = write_config(tmp_path, content, plugin={"printables": "never"})
    site = tmp_path / "site"
    assert mkdocs_build(config, site).returncode == 0
    first = _cache_name(site)
    with serve_dir(site) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(base + "index.html")
            assert _installed(page) == [first]
            write_small_content(content, title="前台接待（新版）")
            assert mkdocs_build(config, site).returncode == 0
            second = _cache_name(site)
            assert second != first
            page.goto(base + "procedures/front-desk.html")  # the browser finds the new sw.js
            page.evaluate("async () => { const r = await navigator.serviceWorker.getRegistration(); await r.update(); }")
            for _ in range(40):
                if page.evaluate("() => caches.keys()") == [second]:
                    break
                page.wait_for_timeout(250)
            assert page.evaluate("() => caches.keys()") == [second]
            page.reload()
            assert "新版" in page.inner_text("h1")
        finally:
            context.close()
