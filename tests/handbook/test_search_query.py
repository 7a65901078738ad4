"""The search worker's query segmentation (generator/templates/handbook/search-query.js), run in
Chromium against a small index: stop words, Latin split from Han, fewest words, single-character
wildcards, synonyms, tag-only words and quoted phrases."""

from __future__ import annotations

import pytest

from generator.handbook.search import QUERY_JS

pytestmark = pytest.mark.slow

SETTINGS = {
    "stop": ["怎么", "什么", "如何", "的", "是", "给", "吗"],
    "synonyms": [["首期款", "首期房款", "首付", "首付款"], ["vip客户", "vip", "贵宾客户"]],
    "absent": ["首付", "首付款"],
}
# term -> the fields that have it (the worker reads lunr's inverted index the same way)
INDEX = {
    "客户": "text", "投诉": "text title", "处理": "text", "4s店": "text", "售后": "text", "vip": "tags text",
    "节日": "text", "日期": "text", "期间": "text", "检查": "title", "环": "text", "车": "text",
    "首期": "text", "房款": "text", "款": "text", "付款": "text", "客户满意": "tags", "满意": "text",
}


@pytest.fixture(scope="module")
def query(browser):
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=QUERY_JS.read_text(encoding="utf-8"))
    page.evaluate("s => window.dispatchEvent(new MessageEvent('message', "
                  "{data: {type: 0, data: {config: {playbook: s}, docs: []}}}))", SETTINGS)
    index = {term: {f: ({"doc": {}} if f in fields.split() else {}) for f in ("title", "text", "tags")}
             for term, fields in INDEX.items()}

    def ask(text: str) -> list[str]:
        return page.evaluate("([q, i]) => playbookSearchQuery(q, i)", [text, index]).split()

    ask.page = page  # type: ignore[attr-defined]
    yield ask
    page.close()


def test_stop_words_are_dropped(query) -> None:
    assert query("客户投诉怎么处理") == ["客户^10", "投诉^10", "处理^10"]
    assert query("如何处理的") == ["处理^10"]


def test_latin_is_split_from_han_unless_the_mixed_word_is_indexed(query) -> None:
    assert query("4S店售后") == ["4s店^10", "售后^10"]  # 4S店 is a word of the index
    assert query("DMS客户") == ["dms*^10", "客户^10"]  # Latin keeps its trailing wildcard (being typed)


def test_fewest_words_of_the_index_and_no_wildcard_on_a_known_word(query) -> None:
    assert query("节日期间") == ["节日^10", "期间^10"]  # not 节 + 日期 + 间


def test_only_a_single_leftover_character_gets_the_wildcard(query) -> None:
    assert query("环车检查") == ["环*^5", "车*^5", "检查^10"]


def test_an_alias_brings_the_forms_the_content_has(query) -> None:
    terms = query("首付")
    assert {"首期^10", "房款^10"} <= set(terms)  # 首期款 / 首期房款, which the text has
    assert "款*^5" not in terms  # another form's leftover character would bleed
    assert "首*^5" in terms and "付*^5" in terms  # the typed form itself, as typed
    assert set(query("VIP客户")) >= {"vip^10", "客户^10"}


def test_a_word_only_tags_have_is_searched_whole_and_by_all_its_parts(query) -> None:
    assert query("客户满意") == ["客户满意^10", "+客户^10", "+满意^10"]


def test_a_quoted_phrase_gets_no_synonyms(query) -> None:
    assert query('"首期房款"') == ['"首期^10', '房款^10"']


def test_terms_another_form_brought_are_not_listed_as_missing(query) -> None:
    # Material lists (and counts) an unmatched term only if lunr.stopWordFilter keeps it.
    query.page.evaluate("window.lunr = {stopWordFilter: t => t}")
    query("首付")
    kept = query.page.evaluate("['首期', '房款', '首', '付'].map(t => lunr.stopWordFilter(t) === t)")
    assert kept == [False, False, True, True]  # 首期房款's pieces stay quiet; the typed 首付's are listed
