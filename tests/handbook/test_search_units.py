"""Fast checks of search's build side: the fine cut of the index, the query settings shipped in the
index, glossary and procedure aliases (validation, tooltips, index entry) and the patch of
Material's search worker."""

from __future__ import annotations

import json
import re
import shutil
from importlib.metadata import version
from pathlib import Path

import material
import pytest

from generator.handbook.search import (
    FIELD_BOOSTS,
    QUERY_JS,
    WORKER_CHANGED,
    alias_words,
    compact_search_index,
    fine_cut,
    patch_search_worker,
)
from generator.handbook.searchwords import STOP_WORDS, page_aliases, query_settings
from generator.handbook.site import glossary_tooltips
from generator.loader import load_content

REPO = Path(__file__).resolve().parents[2]
FREQ = {"节日": 5, "日期": 5, "期间": 5, "节日期间": 3, "满意": 5, "满意度": 5, "件套": 3, "五项": 3, "确认": 5}


def _whole(text: str) -> list[str]:
    return [text]


def test_fine_cut_finds_the_dictionary_words_inside_a_long_word() -> None:
    fine = fine_cut(_whole, FREQ, keep=["三件套", "五项确认"])
    assert fine("节日期间") == ["节日", "期间"]  # not 节 + 日期 + 间: fewest single characters
    assert fine("满意度") == ["满意", "度"]
    assert fine("五项确认") == ["五项", "确认"]  # a domain word is cut into words ...
    assert fine("三件套") == ["三件套"]  # ... but never down to a character
    assert fine_cut(_whole, FREQ)("三件套") == ["三", "件套"]
    assert fine("某某某") == ["某某某"] and fine("VIP") == ["VIP"] and fine("期间") == ["期间"]


def test_query_settings_from_the_shipped_content() -> None:
    content, _ = load_content(REPO / "content")
    settings = query_settings(content)
    assert {"怎么", "什么", "如何", "哪些", "的", "是", "请", "给", "吗"} <= set(settings["stop"])
    assert settings["stop"] == list(STOP_WORDS)
    groups = {form: group for group in settings["synonyms"] for form in group}
    assert {"首期房款", "首付", "首付款"} <= set(groups["首期款"]) and "试驾" in groups["试车"]
    assert groups["sa"] == groups["服务顾问"]  # the glossary's SA and the role's aliases: one group
    assert all(f == f.lower() for f in groups)
    # Forms the content never writes are typed, not searched for.
    assert "首付" in settings["absent"] and "首期房款" not in settings["absent"]


def test_glossary_aliases_feed_the_tooltips() -> None:
    content, _ = load_content(REPO / "content")
    tips = glossary_tooltips(content)
    assert tips["首付"] == tips["首期款"] == tips["首期房款"] and "首付" in tips["首期款"]
    assert tips["试驾"] == tips["试车"] and tips["台账"] == tips["合同台帐"]


def _check_with_line_replaced(cli, tmp_path: Path, file: str, shipped: str, new: str) -> tuple[int, list[str]]:
    """`playbook check` of a copy of the shipped content with one line of ``file`` replaced: that
    line's number and the error lines printed."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    path = content / file
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert shipped in lines
    path.write_text(text.replace(shipped, new, 1), encoding="utf-8")
    run = cli("check", "--content", str(content))
    assert run.code == 1
    return lines.index(shipped) + 1, [e for e in (run.out + run.err).splitlines() if "error[" in e]


@pytest.mark.parametrize(("aliases", "message"), [
    ("[销控]", "就是术语本身"),
    ("[房号销控, 房号销控]", "写了两次"),
    ("[房号 销控]", "里有空格"),
])
def test_bad_aliases_are_reported_where_they_are(cli, tmp_path: Path, aliases: str, message: str) -> None:
    line, errors = _check_with_line_replaced(cli, tmp_path, "glossary/sales-office.yaml", "  aliases: [房号销控]",
                                             f"  aliases: {aliases}")
    assert len(errors) == 1 and f"sales-office.yaml:{line}:12: error[C006]" in errors[0] and message in errors[0]


def _worker(tmp_path: Path) -> Path:
    source = next((Path(material.__file__).parent / "templates/assets/javascripts/workers").glob("search.*.min.js"))
    workers = tmp_path / "assets/javascripts/workers"
    workers.mkdir(parents=True)
    return Path(shutil.copy(source, workers / source.name))


def test_worker_patch_puts_our_query_segmentation_in_place_of_materials(tmp_path: Path) -> None:
    worker = _worker(tmp_path)
    before = worker.read_text(encoding="utf-8")
    assert "playbookSearchQuery" not in before
    assert patch_search_worker(tmp_path) is True, f"Material {version('mkdocs-material')}: {WORKER_CHANGED}"
    after = worker.read_text(encoding="utf-8")
    ours = QUERY_JS.read_text(encoding="utf-8")
    assert after.startswith(ours)
    materials = after[len(ours):]
    assert "=playbookSearchQuery(" in materials and "sc=Han" not in materials  # its own cut is gone
    assert re.search(r"case 0:return yield \w+\(\w+\.data\.config\),\w+=playbookLazyIndex\(\(\)=>new ", materials)
    assert patch_search_worker(tmp_path) is False  # already patched: nothing left to change
    assert worker.read_text(encoding="utf-8") == after


def test_worker_that_changed_shape_fails_a_strict_build_loudly(tmp_path: Path, caplog) -> None:
    workers = tmp_path / "assets/javascripts/workers"
    workers.mkdir(parents=True)
    (workers / "search.0000.min.js").write_text(
        'e=e.replace(new RegExp("\\\\p{sc=Han}+","gu"),s=>[...fe(s,this.index.terms)].join("* "))', encoding="utf-8")
    assert patch_search_worker(tmp_path) is False
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "三件套" in caplog.text


def test_a_worker_an_older_playbook_patched_gets_the_deferred_index_too(tmp_path: Path, caplog) -> None:
    """A dirty rebuild keeps a worker an earlier release patched (query segmentation, index at set-up)."""
    worker = _worker(tmp_path)
    patch_search_worker(tmp_path)
    older = re.sub(r"=playbookLazyIndex\(\(\)=>(new \w+\(\w+\.data\))\)", r"=\1", worker.read_text(encoding="utf-8"))
    assert "=playbookLazyIndex(" not in older
    worker.write_text(older, encoding="utf-8")
    assert patch_search_worker(tmp_path) is True
    assert "=playbookLazyIndex(()=>new " in worker.read_text(encoding="utf-8") and caplog.records == []


def test_worker_that_builds_its_index_elsewhere_fails_a_strict_build_loudly(tmp_path: Path, caplog) -> None:
    """The query patch still applies; the index set-up it no longer finds is named (a strict build fails)."""
    workers = tmp_path / "assets/javascripts/workers"
    workers.mkdir(parents=True)
    (workers / "search.0000.min.js").write_text(
        'case 0:de=new U(t.data);e=e.replace(new RegExp("\\\\p{sc=Han}+","gu"),'
        's=>[...fe(s,this.index.invertedIndex)].join("* "))', encoding="utf-8")
    assert patch_search_worker(tmp_path) is True
    assert "playbookSearchQuery(e," in (workers / "search.0000.min.js").read_text(encoding="utf-8")
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "every page view" in caplog.text


def test_index_carries_the_query_settings_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "search" / "search_index.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"config": {"lang": ["zh"]}, "docs": [{"title": "首期房款"}]}), encoding="utf-8")
    compact_search_index(tmp_path, {"stop": ["的"], "synonyms": [], "absent": []})
    text = path.read_text(encoding="utf-8")
    assert "首期房款" in text and "\\u" not in text
    assert json.loads(text)["config"]["playbook"] == {"stop": ["的"], "synonyms": [], "absent": []}


@pytest.mark.parametrize(("aliases", "message"), [
    ("[汽车维修前台接待流程（11步）]", "就是流程标题"),
    ("[修车接待, 修车接待]", "写了两次"),
    ("[修车 接待]", "里有空格"),
])
def test_bad_procedure_aliases_are_reported_where_they_are(cli, tmp_path: Path, aliases: str, message: str) -> None:
    text = (REPO / "content" / "procedures" / "repair-desk-flow.yaml").read_text(encoding="utf-8")
    shipped = next(line for line in text.splitlines() if line.startswith("aliases: "))
    line, errors = _check_with_line_replaced(cli, tmp_path, "procedures/repair-desk-flow.yaml", shipped,
                                             f"aliases: {aliases}")
    assert len(errors) == 1 and f"repair-desk-flow.yaml:{line}:10: error[C006]" in errors[0] and message in errors[0]


def test_procedure_aliases_go_into_their_pages_search_entry(tmp_path: Path) -> None:
    content, _ = load_content(REPO / "content")
    assert "修车接待" in page_aliases(content)["procedures/repair-desk-flow"]
    assert "修车接待" not in json.dumps(query_settings(content), ensure_ascii=False)
    assert alias_words("修车接待", ["也", "叫", "修车", "接待", "修"]) == ["修车", "接待"]  # fewest words
    assert alias_words("卖车", ["卖", "车"]) == ["卖", "车"] and alias_words("客诉", ["客户"]) == ["客诉"]
    z = "\u200b"
    docs = [{"location": "procedures/repair-desk-flow.html", "title": z.join(["汽车", "维修", "前台", "接待", "流程"]),
             "text": z.join(["<p>", "也", "叫", "：", "修车", "接待", "、", "接车", "流程", "、", "的", "单", "</p>"])},
            {"location": "procedures/repair-desk-flow.html#step-1", "title": "接待准备", "text": "修车"},
            {"location": "procedures/other/", "title": "其他", "text": "修车"}]
    path = tmp_path / "search" / "search_index.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"config": {"separator": "[\\s\\u200b、：]+"}, "docs": docs}), encoding="utf-8")
    compact_search_index(tmp_path, {"stop": []}, {"procedures/repair-desk-flow": ["修车接待", "接车流程", "的单"],
                                                  "procedures/other": ["别的"]})
    data = json.loads(path.read_text(encoding="utf-8"))
    # Only the words the title lacks, each once, no single character; only the page's first entry.
    assert data["docs"][0]["aliases"] == z.join(["修车", "接车"])
    assert "aliases" not in data["docs"][1]
    assert data["docs"][2]["aliases"] == "别的"  # not covered by the text's words: whole (directory URLs too)
    assert data["config"]["playbook"] == {"stop": []}
    assert 0 < FIELD_BOOSTS["aliases"] <= FIELD_BOOSTS["title"]
