"""Fast checks of the handbook core: escaping, glossary tooltips, search repairs, nav titles."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml

from generator.handbook.abbr import CjkAbbrExtension
from generator.handbook.pages import front_matter
from generator.handbook.search import mixed_words, segmenter
from generator.safetext import md


def test_md_shows_markdown_and_html_as_text() -> None:
    nasty = "<script>alert(1)</script> [x](javascript:alert(1)) **bold** { #id } &amp;"
    html = markdown.markdown(md(nasty), extensions=["attr_list"])
    assert "<script" not in html and "<a " not in html and "<strong>" not in html and 'id="id"' not in html
    assert "&lt;script&gt;" in html and "[x](javascript:alert(1))" in html and "&amp;amp;" in html


def test_front_matter_escapes_what_the_theme_prints_raw() -> None:
    meta = yaml.safe_load(front_matter('<b>"标题"</b>', ["<i>标签</i>"], 'x" onload="y').split("---")[1])
    assert meta["title"] == "&lt;b&gt;&#34;标题&#34;&lt;/b&gt;"
    assert meta["tags"] == ["&lt;i&gt;标签&lt;/i&gt;"]
    assert '"' not in meta["description"]


def _abbr(text: str, glossary: dict[str, str]) -> str:
    return markdown.markdown(text, extensions=[CjkAbbrExtension(glossary=glossary)])


def test_tooltips_inside_chinese_text_but_not_inside_latin_words() -> None:
    html = _abbr("接车时铺三件套，成功的4S店有SA接待；USA 不是。", {"三件套": "防护用品", "4S店": "经销店", "SA": "服务顾问"})
    assert '<abbr title="防护用品">三件套</abbr>' in html
    assert '<abbr title="经销店">4S店</abbr>' in html
    assert '<abbr title="服务顾问">SA</abbr>' in html
    assert html.count("<abbr") == 3  # USA is left alone
    # Python-Markdown's own abbr misses all three inside Chinese text: the reason this extension exists.
    plain = markdown.markdown("接车时铺三件套。\n\n*[三件套]: 防护用品", extensions=["abbr"])
    assert "<abbr" not in plain


def test_tooltip_titles_are_escaped() -> None:
    html = _abbr("看SA。", {"SA": '"><script>alert(1)</script>'})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_segmenter_keeps_mixed_domain_words_whole() -> None:
    import jieba

    assert mixed_words(["4S店", "三件套", "A类客户", "SA"]) == ["A类客户", "4S店"]
    segment = segmenter(["4S店", "三件套"], jieba.cut)
    out = segment("成功的4S店售后流程")
    assert "4S店" in out.split("\u200b")
    assert "\u200b\u200b" not in out
    assert segment("Hello world") == "Hello world"


# The search worker's patch is tested in test_search_units.py.


def test_nav_titles_are_escaped() -> None:
    from generator.handbook.site import _t

    assert _t("<img src=x>售楼处") == "&lt;img src=x&gt;售楼处"


@pytest.mark.parametrize("word", ["三件套", "五项确认", "4S店"])
def test_domain_words_reach_the_jieba_dictionary(word: str) -> None:
    from generator.handbook.searchwords import domain_words, jieba_userdict
    from generator.loader import load_content

    content, _ = load_content(Path(__file__).resolve().parents[2] / "content")
    assert word in domain_words(content)
    assert f"{word} " in jieba_userdict(domain_words(content))


# --- generated pages rendered from templates (handbook/render.py) ----------------------------------


def test_glossary_marks_terms_in_chinese_text_and_escapes_everything() -> None:
    from generator.handbook.render import Glossary

    g = Glossary({"三件套": "防护用品", "4S店": "经销店", "SA": '"><script>alert(1)</script>'})
    out = str(g("接车时铺三件套，成功的4S店有SA接待；USA 不是。<b>粗</b>"))
    assert '<abbr title="防护用品">三件套</abbr>' in out and '<abbr title="经销店">4S店</abbr>' in out
    assert out.count("<abbr") == 3  # USA is left alone
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;粗&lt;/b&gt;" in out
    assert str(Glossary({})("<i>")) == "&lt;i&gt;"


def test_headings_carry_permalinks_and_build_the_nested_toc() -> None:
    from generator.handbook.render import Glossary, Links, Page

    page = Page(Links("procedures/a.html", lambda path: None), Glossary({"SA": "服务顾问"}))
    h1 = page.heading(1, "top", "<流程>")
    page.heading(2, "steps", "步骤")
    h3 = page.heading(3, "step-1", "1. 找SA", gloss=True)
    page.heading(3, "step-2", "2. 送别")
    h2 = page.heading(2, "self-check", "自测", attrs="data-search-exclude")
    assert h1 == ('<h1 id="top">&lt;流程&gt;<a class="headerlink" href="#top" title="Permanent link">&para;</a></h1>')
    assert '<abbr title="服务顾问">SA</abbr>' in h3 and h2.startswith('<h2 id="self-check" data-search-exclude>')
    [top] = page.toc()
    assert top.title == "&lt;流程&gt;" and [c.id for c in top.children] == ["steps", "self-check"]
    assert [c.url for c in top.children[0].children] == ["#step-1", "#step-2"]


@pytest.mark.parametrize("directory_urls", [False, True])
def test_links_are_relative_to_the_page_and_unknown_pages_fail(directory_urls: bool) -> None:
    from generator.handbook.render import Links

    def url_of(path: str) -> str | None:
        if path not in ("domains/x.md", "index.md"):
            return None
        stem = path[:-3]
        return (stem.replace("index", "") + "/" if stem != "index" else "") if directory_urls else stem + ".html"

    here = "procedures/a/" if directory_urls else "procedures/a.html"
    links = Links(here, url_of)
    assert links.page("domains/x.md", "top") == ("../../domains/x/#top" if directory_urls else "../domains/x.html#top")
    assert links.file("checklists/a.pdf") == ("../../checklists/a.pdf" if directory_urls else "../checklists/a.pdf")
    with pytest.raises(KeyError):
        links.page("procedures/missing.md")


def test_template_cache_never_fails_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from generator.handbook import render

    # No usable temp folder: templates are compiled every time.
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "missing" / "deeper"))
    assert render._bytecode_cache() is None
    # A cache folder that cannot be written: the compiled template is simply not kept.
    cache = render._BytecodeCache(str(tmp_path / "not-there"))
    bucket = render.Bucket(render.environment(), "k", "checksum")
    bucket.code = compile("x = 1", "<t>", "exec")
    cache.dump_bytecode(bucket)
    assert not (tmp_path / "not-there").exists()
