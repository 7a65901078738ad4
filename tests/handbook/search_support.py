"""Material's real search box in Chromium, driven query after query, and the intent queries staff type.

Used by tests/handbook/test_search_intents.py and benchmarks/bench_search.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

INTENTS = Path(__file__).resolve().parent / "search_intents.yaml"

# Material's zh texts in the result meta line (partials/languages/zh.html).
INITIALIZING = "正在初始化搜索引擎"
PLACEHOLDER = "键入以开始搜索"


@dataclass(frozen=True)
class Intent:
    query: str
    pages: tuple[str, ...]
    """Procedure ids: the query passes when one of them is among the first three results."""


def load_intents(path: Path = INTENTS) -> list[Intent]:
    return [Intent(item["query"], tuple(item["pages"])) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


class SearchBox:
    """One page with the handbook's search box; ``ask`` types a query as a user does (the whole
    text, then a keyup) and returns the result pages, best first ([] when nothing is found)."""

    def __init__(self, page, home: str) -> None:
        self.page = page
        page.goto(home)
        self.box = page.locator("input.md-search__input")
        self.box.click()
        page.wait_for_function(
            "t => { const m = document.querySelector('.md-search-result__meta');"
            " return m && m.textContent.trim() && m.textContent.trim() !== t }", arg=INITIALIZING, timeout=60000)

    def _meta(self) -> str:
        return self.page.inner_text(".md-search-result__meta").strip()

    def ask(self, query: str) -> list[str]:
        page = self.page
        self.box.fill("")
        page.keyboard.press("End")
        page.wait_for_function(
            "t => document.querySelector('.md-search-result__meta').textContent.trim() === t",
            arg=PLACEHOLDER, timeout=30000)
        self.box.fill(query)
        page.keyboard.press("End")  # Material searches on keyup: one query with the whole text
        page.wait_for_function(
            "t => document.querySelector('.md-search-result__meta').textContent.trim() !== t",
            arg=PLACEHOLDER, timeout=30000)
        # The list is rendered right after the meta line: read until two reads agree.
        hrefs: list[str] | None = None
        for _ in range(20):
            now = page.eval_on_selector_all("li.md-search-result__item > a",
                                            "els => els.map(a => a.getAttribute('href'))")
            if now == hrefs:
                break
            hrefs = now
            page.wait_for_timeout(150)
        return _pages(hrefs or [], page.url)


def _pages(hrefs: list[str], base: str) -> list[str]:
    """Result links as site paths (procedures/x.html), each page once, best first."""
    root = urlsplit(base).path.rsplit("/", 1)[0] + "/"
    pages: list[str] = []
    for href in hrefs:
        path = unquote(urlsplit(href).path)
        if path.startswith(root):
            path = path[len(root):]
        path = path.lstrip("./").lstrip("/")
        if path not in pages:
            pages.append(path)
    return pages


def hit(intent: Intent, results: list[str], top: int = 3) -> bool:
    wanted = {f"procedures/{pid}.html" for pid in intent.pages}
    return bool(wanted & set(results[:top]))


def run_intents(browser, home: str, intents: list[Intent]) -> list[tuple[Intent, list[str]]]:
    """Every intent query typed into one page's search box; (intent, result pages)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        box = SearchBox(page, home)
        return [(intent, box.ask(intent.query)) for intent in intents]
    finally:
        page.close()
