"""The built handbook in headless Chromium: Chinese search, offline, phone/desktop layout, print."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import jieba
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import CONTENT  # noqa: E402
from search_support import SearchBox  # noqa: E402

from generator.handbook.searchwords import domain_words  # noqa: E402
from generator.loader import load_content  # noqa: E402

pytestmark = pytest.mark.slow

PROCEDURE = "sales-office-reception"
QUERIES = ["三件套", "首期房款", "投诉", "五项确认", "目送"]


def _pages_containing(word: str) -> set[str]:
    """Procedure pages whose YAML has the word: the pages a search for it must put near the top."""
    return {f"procedures/{p.stem}.html" for p in (CONTENT / "procedures").glob("*.yaml")
            if word in p.read_text(encoding="utf-8")}


def _wait_for_results(page, query: str, timeout: float = 30.0) -> None:
    """Results appear once the worker has loaded the index; a keyup typed before that is lost,
    so press End (another keyup, same text) until they show."""
    for _ in range(int(timeout / 2)):
        try:
            page.wait_for_selector("li.md-search-result__item > a", timeout=2000)
            return
        except Exception:
            page.keyboard.press("End")
    meta = page.inner_text(".md-search-result__meta")
    raise AssertionError(f"no search results for {query}: {meta}")


@pytest.mark.parametrize("query", QUERIES)
def test_chinese_search_finds_the_right_page_near_the_top(box, built_site: Path, query: str) -> None:
    right = _pages_containing(query)
    assert right, f"no procedure mentions {query}: the query list no longer fits the content"
    results = box.ask(query)
    top = results[:3]
    assert right & set(top), f"{query}: top results {top}, expected one of {sorted(right)}"
    # No junk near the top: each top page has every word of the query (not just one of its characters).
    words = _words(query)
    for path in top:
        text = (built_site / path).read_text(encoding="utf-8")
        assert all(w in text for w in words), f"{query} ({'/'.join(words)}): result {path} lacks a word"


@functools.cache
def _cutter() -> jieba.Tokenizer:
    """jieba with the handbook's domain words (三件套 stays whole); made once, it takes seconds."""
    content, _ = load_content(CONTENT)
    cutter = jieba.Tokenizer()
    for word in domain_words(content):
        cutter.add_word(word, 100000)
    return cutter


def _words(query: str) -> list[str]:
    """The query as jieba cuts it with the handbook's domain words."""
    return [w for w in _cutter().lcut(query) if w.strip()]


def test_search_for_a_mixed_domain_word(box) -> None:
    results = box.ask("4S店")
    assert results[0].startswith("procedures/") and "4S店" in (CONTENT / "procedures" / (
        Path(results[0]).stem + ".yaml")).read_text(encoding="utf-8")


def _until(page, check: Callable[[], bool], failure: str, seconds: float = 30) -> None:
    """Ask ``check`` every 100 ms (a worker's state, which the page's wait_for_function cannot read)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, failure
        page.wait_for_timeout(100)


def test_a_page_view_builds_the_search_index_only_when_the_reader_goes_to_search(browser, site_url: str) -> None:
    """Material's worker would build the whole lunr index on every page view; ours builds it when the
    reader goes to the search box (or at the first query with words), and answers as before."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        page.goto(site_url + "index.html")
        _until(page, lambda: page.workers and page.workers[0].evaluate("self.playbookSearchSetUp === true"),
               "the search worker never finished its set-up")
        (worker,) = page.workers
        built = "self.playbookSearchIndexBuilt === true"
        page.wait_for_timeout(500)
        assert worker.evaluate(built) is False  # set up, and nobody searched
        page.locator("input.md-search__input").focus()  # nothing typed yet
        _until(page, lambda: worker.evaluate(built), "going to the search box did not build the index")
        assert SearchBox(page, site_url + "index.html").ask("三件套")[:1]
    finally:
        page.close()


def test_no_request_leaves_localhost(browser, site_url: str) -> None:
    host = urlsplit(site_url).netloc
    outside: list[str] = []
    inside: list[str] = []

    def route(r) -> None:
        if urlsplit(r.request.url).netloc == host or r.request.url.startswith(("data:", "blob:")):
            inside.append(r.request.url)
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", route)
        page = context.new_page()
        for path in ("index.html", f"procedures/{PROCEDURE}.html", "glossary.html"):
            page.goto(site_url + path, wait_until="networkidle")
        # Search loads the worker, lunr and the index: all local too.
        page.locator("input.md-search__input").click()
        page.keyboard.type("投诉")
        _wait_for_results(page, "投诉")
    finally:
        context.close()
    assert not outside, f"requests to other hosts: {outside}"
    assert any("search_index" in u for u in inside) and any(u.endswith(".css") for u in inside)


def _shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("PLAYBOOK_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        return Path(wanted)
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", ["index.html", f"procedures/{PROCEDURE}.html"])
def test_screenshots_desktop_and_phone(browser, site_url: str, tmp_path_factory, width: int, path: str) -> None:
    shots = _shots_dir(tmp_path_factory)
    page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
    try:
        page.goto(site_url + path, wait_until="networkidle")
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll_width <= width + 1, f"{path} overflows at {width}px: {scroll_width}px wide"
        if path.startswith("procedures/"):
            phrase = page.locator(".pb-phrase").first
            assert phrase.is_visible()
            box = phrase.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
            assert page.locator(".pb-phrase-text").first.inner_text().strip()
            flow = page.locator("ol.pb-flow")
            assert flow.is_visible() and flow.locator("li").count() >= 3
            fbox = flow.bounding_box()
            assert fbox and fbox["x"] + fbox["width"] <= width + 1
            if width < 480:  # phones: one step a line, so no arrow hangs off the left edge
                lefts = {round(b["x"]) for b in (li.bounding_box() for li in flow.locator("li").all()) if b}
                assert len(lefts) == 1, f"flow steps not in one column on a phone: {sorted(lefts)}"
            # Text is readable on a phone: the phrase type is at least 16 px.
            size = page.eval_on_selector(".pb-phrase-text", "el => parseFloat(getComputedStyle(el).fontSize)")
            assert size >= 16
        else:
            assert page.locator(".grid.cards").first.is_visible()
        name = f"{Path(path).stem}-{width}.png"
        page.screenshot(path=str(shots / name), full_page=True)
        print(f"screenshot: {shots / name}")
    finally:
        page.close()


def test_print_to_a4_hides_navigation_and_keeps_steps(browser, site_url: str, tmp_path: Path) -> None:
    content, _ = load_content(CONTENT)
    proc = content.procedures[PROCEDURE]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(site_url + f"procedures/{PROCEDURE}.html", wait_until="networkidle")
        page.emulate_media(media="print")
        for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
                         ".md-search", ".pb-copy"):
            hidden = page.eval_on_selector_all(
                selector, "els => els.every(e => getComputedStyle(e).display === 'none')")
            assert hidden, f"{selector} is printed"
        # Printers leave backgrounds out: the white-on-teal 规范用语 label must print in black.
        label = page.eval_on_selector(".pb-phrase-when", "e => getComputedStyle(e, '::before').color")
        assert label == "rgb(0, 0, 0)", f"the 规范用语 label prints as {label}"
        pdf = tmp_path / "procedure.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
    finally:
        page.close()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    for i, step in enumerate(proc.steps, start=1):
        assert "".join(step.title.split()) in flat, f"step {i} 「{step.title}」 missing from the PDF"
    assert "规范用语" in flat  # the callout label (CSS) is printed
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.92 x 842.88 pts (A4)" in info or "595 x 842 pts (A4)" in info, info
    # One page as an image, for a person to look at (PLAYBOOK_SCREENSHOTS keeps it).
    shots = os.environ.get("PLAYBOOK_SCREENSHOTS")
    out = Path(shots) if shots else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(out / "print")], check=True)
    assert list(out.glob("print-*.png"))


def test_self_check_under_a_procedure_page(browser, site_url: str) -> None:
    """The compact quiz block becomes a working form: answer with the keyboard, submit, read the verdict."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{site_url}/procedures/{PROCEDURE}.html")
        page.wait_for_selector(".pb-quiz[data-pb-ready] fieldset.pb-quiz-q")
        questions = page.locator(".pb-quiz fieldset.pb-quiz-q")
        n = questions.count()
        assert n >= 3
        radio = page.locator(".pb-quiz fieldset.pb-quiz-q input[type=radio]").first
        radio.focus()
        page.keyboard.press("Space")
        assert radio.is_checked()
        page.locator(".pb-quiz button[type=submit]").click()
        score = page.locator(".pb-quiz .pb-quiz-score")
        assert score.inner_text().startswith("答对 ") and score.inner_text().endswith(f"/ {n} 题")
        verdicts = page.locator(".pb-quiz .pb-quiz-verdict").all_inner_texts()
        assert len(verdicts) == n and all(v.startswith(("✔", "✘")) for v in verdicts)
        explain = page.locator(".pb-quiz .pb-quiz-explain").first
        assert explain.is_visible() and explain.inner_text().strip()
        assert errors == []
    finally:
        page.close()
