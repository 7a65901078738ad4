"""Small parts of the learner's loop without a build: the default path and the offline cache name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import write_small_content  # noqa: E402

from generator.handbook.offline import SERVICE_WORKER, cache_name, precache_list, write_offline  # noqa: E402
from generator.handbook.path import role_path_stages  # noqa: E402
from generator.loader import load_content  # noqa: E402


def test_default_path_puts_rules_last_and_the_roles_own_phrases_in(tmp_path: Path) -> None:
    root = write_small_content(tmp_path / "content")
    (root / "procedures" / "desk-rules.yaml").write_text(
        "id: desk-rules\ntitle: 前台规定\ndomain: front\nroles: [receptionist]\nkind: rules\nsource: t.txt\n"
        "steps:\n  - title: 保持整洁\n", encoding="utf-8")
    (root / "phrases" / "more.yaml").write_text(
        "- id: farewell\n  text: 慢走，欢迎再来！\n  when: 客户离开时\n  roles: [receptionist]\n  source: t.txt\n",
        encoding="utf-8")
    content, problems = load_content(root)
    assert not [p for p in problems if p.is_error]
    stages = role_path_stages(content, "receptionist")
    assert [(s.title, s.procedures, s.phrases) for s in stages] == [
        ("第一天", ["front-desk"], ["greet"]), ("第一个月", ["desk-rules"], ["farewell"])]


def test_only_the_lunr_files_search_loads_for_the_index_languages_are_precached(tmp_path: Path) -> None:
    """Material ships lunr support for 30 languages (~1 MB, Thai's word list alone 0.7 MB); a phone
    installing a Chinese handbook downloads the two its search worker loads for ``zh``. Search
    itself working offline with them is test_learner_offline's."""
    site = tmp_path / "site"
    lunr = site / "assets" / "javascripts" / "lunr"
    (lunr / "min").mkdir(parents=True)
    for name in ("tinyseg.js", "wordcut.js", *(f"min/lunr.{x}.min.js" for x in ("zh", "ja", "th", "de", "multi",
                                                                               "stemmer.support"))):
        (lunr / name).write_text("//", encoding="utf-8")
    (site / "index.html").write_text("<p>一</p>", encoding="utf-8")
    everything = precache_list(site)
    assert len([p for p in everything if "/lunr/" in p]) == 8  # no index to read: nothing is left out
    (site / "search").mkdir()
    index = site / "search" / "search_index.json"
    for lang, kept in ((["zh"], ["lunr.stemmer.support.min.js", "lunr.zh.min.js"]),
                       (["en"], []),
                       (["ja", "de"], ["lunr.de.min.js", "lunr.ja.min.js", "lunr.multi.min.js",
                                       "lunr.stemmer.support.min.js", "tinyseg.js"])):
        index.write_text(json.dumps({"config": {"lang": lang}, "docs": []}), encoding="utf-8")
        listed = precache_list(site)
        assert sorted(p.rsplit("/", 1)[1] for p in listed if "/lunr/" in p) == kept, lang
        assert "index.html" in listed and "search/search_index.json" in listed


def test_cache_name_follows_the_precached_bytes_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>一</p>", encoding="utf-8")
    (site / "assets" / "a.css").write_text("p{}", encoding="utf-8")
    (site / "guide.pdf").write_bytes(b"%PDF-1.7")
    first = write_offline(site, "服务手册")
    assert precache_list(site) == ["assets/a.css", "index.html", "manifest.webmanifest"]
    assert SERVICE_WORKER not in precache_list(site)
    assert write_offline(site, "服务手册") == first  # the same build: the same cache, no re-download
    (site / "guide.pdf").write_bytes(b"%PDF-1.7 changed")
    assert cache_name(site, precache_list(site)) == first  # PDFs are fetched on demand
    (site / "index.html").write_text("<p>二</p>", encoding="utf-8")
    second = write_offline(site, "服务手册")
    assert second != first and f'"{second}"' in (site / SERVICE_WORKER).read_text(encoding="utf-8")
