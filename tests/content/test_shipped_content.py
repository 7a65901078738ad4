"""The shipped content: strict-clean, faithful to the seeds, Simplified Chinese, complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from opencc import OpenCC

from generator.loader import content_files, load_content

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
FIDELITY = sorted(Path(__file__).parent.glob("fidelity_*.yaml"))


@pytest.fixture(scope="module")
def content():
    loaded, problems = load_content(CONTENT)
    assert [p.format() for p in problems] == []
    return loaded


@pytest.fixture(scope="module")
def content_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in content_files(CONTENT))


@pytest.mark.slow
def test_check_strict_passes_on_shipped_content(cli):
    run = cli("check", "--strict")
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    assert "检查通过" in run.out


def _fidelity_entries() -> list[tuple[str, str, str]]:
    entries = []
    for path in FIDELITY:
        tag = path.stem.split("_")[1]
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            entries.append((tag, item["seed"], item["expect"]))
    return entries


def test_fidelity_list_is_substantial():
    entries = _fidelity_entries()
    assert len(entries) >= 40
    assert {tag for tag, _, _ in entries} == {"000", "001", "002", "003", "004"}


@pytest.mark.parametrize(("tag", "seed", "expect"), _fidelity_entries(), ids=lambda v: str(v)[:20])
def test_seed_fact_is_in_content(tag, seed, expect, content_text, seeds):
    seed_file = next(seeds.glob(f"{tag}_*.txt"))
    assert seed in seed_file.read_text(encoding="utf-8"), f"not quoted from {seed_file.name}: {seed}"
    assert expect in content_text, f"missing from content/: {expect}"


def test_phrases_are_verbatim_from_their_seed(content, seeds):
    """Every phrase whose source is a seed appears in that seed word for word (after t2s)."""
    t2s = OpenCC("t2s")
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")}
    checked = 0
    for phrase in content.phrases.values():
        if phrase.source in texts:
            text = texts[phrase.source]
            assert phrase.text in text or phrase.text in t2s.convert(text), phrase.id
            checked += 1
    assert checked >= 30


def test_no_traditional_characters_remain():
    t2s = OpenCC("t2s")
    for path in content_files(CONTENT) + sorted(CONTENT.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        converted = t2s.convert(text)
        if converted != text:
            diff = [(a, b) for a, b in zip(text, converted) if a != b][:10]
            pytest.fail(f"{path.relative_to(REPO)} still has Traditional characters: {diff}")


def _source_values(node) -> list[str]:
    """Every `source:` value anywhere in a parsed YAML document."""
    if isinstance(node, dict):
        found = [str(v) for k, v in node.items() if k == "source" and v is not None]
        return found + [s for v in node.values() for s in _source_values(v)]
    if isinstance(node, list):
        return [s for v in node for s in _source_values(v)]
    return []


def test_every_seed_named_as_a_source_is_in_the_repository(seeds):
    """A `source:` that names a seed file (…txt) names one kept verbatim under tests/seeds/."""
    named: dict[str, str] = {}
    for path in content_files(CONTENT):
        for value in _source_values(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for name in re.findall(r"[\w.-]+\.txt", value):
                named.setdefault(name, str(path.relative_to(REPO)))
    assert len(named) >= 5, f"expected the five seeds to be named as sources, found {sorted(named)}"
    missing = {name: where for name, where in named.items() if not (seeds / name).is_file()}
    assert missing == {}, f"sources naming a seed file missing from tests/seeds/: {missing}"


def test_every_item_names_its_source(content):
    for kind in (content.procedures, content.phrases, content.scenarios):
        for item in kind.values():
            assert item.source.strip(), item.id
    for term in content.glossary:
        assert term.source.strip(), term.term


REQUIRED_PROCEDURES = {
    "sales-office-reception": 15, "sales-floor-management": 6, "unit-number-management": None,
    "visitor-reception-etiquette": None, "phone-reception-etiquette": None, "repair-desk-four-steps": 4,
    "repair-desk-duties": 22, "repair-desk-flow": 11, "customer-relationship-maintenance": 5,
    "sales-generic-process": None, "real-estate-sales-process": None, "real-estate-project-manager-duties": None,
    "sales-order-to-payment-rules": 12, "car-sales-process": 9, "after-sales-service-process": 10,
    "referral-request": None, "referral-customer-types": 4, "old-customer-records": None,
    "old-customer-callbacks": None, "old-customer-grading": None, "relationship-care-routine": None,
    "beauty-shop-daily-routine": None, "expectation-management-essentials": 8, "after-sales-tracking-rules": None,
    "expectation-exceeding": 6, "complaint-handling-4s": None, "beauty-service-construction-rules": 5,
}


@pytest.mark.parametrize("pid", sorted(REQUIRED_PROCEDURES))
def test_required_procedure_is_there_with_its_steps(pid, content):
    assert pid in content.procedures
    expected = REQUIRED_PROCEDURES[pid]
    if expected is not None:
        assert len(content.procedures[pid].steps) == expected


def test_required_glossary_roles_and_sizes(content):
    terms = {t.term for t in content.glossary} | {a for t in content.glossary for a in t.aliases}
    for term in ["SA", "DMS", "三件套", "五件套", "4S店", "基盘客户", "五项确认", "预定款", "按揭", "认购合同",
                 "CSI", "返修率", "转介绍"]:
        assert term in terms, term
    names = {r.name for r in content.roles.values()} | {a for r in content.roles.values() for a in r.aliases}
    for role in ["置业顾问", "销售代表", "销售主管", "房号管理员", "财务", "服务顾问(SA)", "前台接待", "回访专员",
                 "跟踪业务员", "店长"]:
        assert role in names, role
    assert len(content.procedures) >= 25
    assert len(content.scenarios) >= 30
    assert sum(s.kind == "case" for s in content.scenarios.values()) >= 6
    daily = [p for p in content.procedures.values() if p.recurring == "daily"]
    assert daily, "the beauty-shop routine is marked recurring: daily"


def test_sales_office_reception_phrases_verbatim(content):
    texts = {p.text for p in content.phrases.values()}
    for phrase in ["您好!欢迎看房。我是某某某(讲清自已的名字)。", "请那边入座,让我给您详细介绍好吗",
                   "请随我来或请往这边走", "再见,欢迎再来!"]:
        assert phrase in texts
