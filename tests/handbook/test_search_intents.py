"""What staff type into the real search box of a real build, in Chromium: the intent queries of
search_intents.yaml (served over http; opened from disk, a sample must answer alike), and one test per cause of a miss that
issue 28 measured (stop words, mixed Latin, aliases, single-character leftovers, tag boost, hub
pages above the procedure)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_support import hit, load_intents, run_intents  # noqa: E402

pytestmark = pytest.mark.slow

# Measured with benchmarks/bench_search.py on the shipped content: before issue 28 26 of 50 intent
# queries (52 %) had the page meant among the first three and 4 found nothing; after the query and
# index fixes 45-46 of 50 (90-92 %), and with procedure aliases 49 of 50 (98 %), none without
# results, over http and from disk alike. The bar is one query below that.
MIN_TOP3 = 0.96
# search_index.json of the shipped content before issue 28; it must stay within 20 % of it.
INDEX_BYTES_BEFORE = 551_800
HUBS = ("roles/", "domains/", "scenarios.html", "cases.html", "phrases.html", "glossary.html", "index.html")


def _rate(results: list) -> tuple[float, list[str]]:
    misses = [f"{i.query} -> {pages[:3]} (wanted {', '.join(i.pages)})" for i, pages in results if not hit(i, pages)]
    return 1 - len(misses) / len(results), misses


def test_intent_queries_find_the_page_meant(browser, site_url: str) -> None:
    intents = load_intents()
    assert len(intents) >= 40
    results = run_intents(browser, site_url + "index.html", intents)
    empty = [i.query for i, pages in results if not pages]
    assert empty == [], f"queries without results: {empty}"
    rate, misses = _rate(results)
    assert rate >= MIN_TOP3, f"top-3 rate {rate:.0%} < {MIN_TOP3:.0%}; misses:\n" + "\n".join(misses)


def test_opened_from_disk_search_answers_as_over_http(browser, box, built_site: Path) -> None:
    """A handbook opened from disk (file://, the offline copy) loads the index another way
    (search_index.js) and must answer every query as the served one does; every fifth intent."""
    sample = load_intents()[::5]
    from_disk = run_intents(browser, (built_site / "index.html").as_uri(), sample)
    assert all(pages for _, pages in from_disk)
    assert {i.query: pages for i, pages in from_disk} == {i.query: box.ask(i.query) for i in sample}


def test_stop_words_do_not_change_the_answer(box) -> None:
    assert box.ask("请问怎么签订认购合同呢")[:3] == box.ask("签订认购合同")[:3]
    assert box.ask("客户投诉怎么处理")[0] == "procedures/complaint-handling-4s.html"


def test_latin_and_han_typed_together(box) -> None:
    assert box.ask("VIP客户")[0] == "procedures/vip-customer-care.html"  # VIP + 客户 (was: nothing)
    assert box.ask("4S店售后投诉")[0] == "procedures/complaint-handling-4s.html"  # 4S店 stays one word


@pytest.mark.parametrize(("query", "page"), [
    ("首付", "sales-office-reception"),  # the content says 首期房款 / 首期款
    ("试驾", "car-sales-process"),  # the content says 试车
    ("台账", "sales-order-to-payment-rules"),  # the content writes 台帐
    ("贵宾客户", "vip-customer-care"),  # the content says VIP客户
])
def test_glossary_aliases_find_what_the_content_calls_otherwise(box, query: str, page: str) -> None:
    assert f"procedures/{page}.html" in box.ask(query)[:3]


@pytest.mark.parametrize(("query", "page"), [
    ("修车", "repair-desk-flow"),  # its aliases 修车接待, 接车流程: the page says 维修 … 接待
    ("修车接待", "repair-desk-flow"),
    ("接手离职同事的客户", "old-customer-maintenance"),  # the page says 认养“孤儿”客户; before, its scenario came first
])
def test_procedure_aliases_find_the_procedure(box, built_site: Path, query: str, page: str) -> None:
    assert f"procedures/{page}.html" in box.ask(query)[:3]
    shown = (built_site / "procedures" / f"{page}.html").read_text(encoding="utf-8").split('class="pb-aliases"')[1]
    shown = shown.split("</p>")[0]
    assert shown.startswith("><small>也叫：") and query in shown  # shown under the title, too


def test_single_character_leftovers_still_find_the_page(box) -> None:
    # No word of the index in it: 一, 房, 多, 卖 are left over (the only terms with a wildcard).
    assert box.ask("一房多卖")[0] == "procedures/unit-number-management.html"


def test_tags_no_longer_drown_everything(box, built_site: Path) -> None:
    # Before, 客* (a one-character wildcard) reached the tags 客户满意 / 客户忠诚, boosted 1,000,000:
    # those pages topped any query with 客 in it.
    top = box.ask("客人来访")[:3]
    assert top[0] == "procedures/visitor-reception-etiquette.html"
    for path in top:
        text = (built_site / path).read_text(encoding="utf-8")
        assert "客人" in text or "来访" in text, f"{path} has neither word"


@pytest.mark.parametrize(("query", "page"), [
    ("签订认购合同", "sales-office-reception"),  # a step title
    ("转介绍客户的四种类型", "referral-customer-types"),  # the title
    ("电话接待礼仪", "phone-reception-etiquette"),
    ("老客户专场活动", "old-customer-event"),
])
def test_a_procedure_ranks_above_the_lists_that_mention_it(box, query: str, page: str) -> None:
    results = box.ask(query)
    assert f"procedures/{page}.html" in results, results
    mine = results.index(f"procedures/{page}.html")
    hubs = [i for i, path in enumerate(results) if path.startswith(HUBS)]
    assert not hubs or mine < hubs[0], results


def test_hub_pages_weigh_less_in_the_index(built_site: Path) -> None:
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    boost = {d["location"].split("#")[0]: d.get("boost") for d in docs}
    assert boost["procedures/sales-office-reception.html"] is None
    assert all(boost[p] is not None and boost[p] < 1 for p in boost if p.startswith(HUBS))


def test_an_exact_phrase_in_quotes(box) -> None:
    assert box.ask('"首期房款"')[0] == "procedures/sales-office-reception.html"
    assert box.ask('"提前三天第一次通知客户"')[0] == "procedures/sales-office-reception.html"


def test_index_size_stays_within_a_fifth_of_before(built_site: Path) -> None:
    size = (built_site / "search" / "search_index.json").stat().st_size
    assert 0.8 * INDEX_BYTES_BEFORE <= size <= 1.2 * INDEX_BYTES_BEFORE, size
