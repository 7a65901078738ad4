"""The real handbook build of the shipped content: its pages, offline HTML, tooltips, search index."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from handbook_support import CONTENT, REPO  # noqa: E402

from generator.handbook.path import role_path_stages  # noqa: E402
from generator.loader import load_content  # noqa: E402

pytestmark = pytest.mark.slow

FIXED_PAGES = {"index.html", "404.html", "phrases.html", "scenarios.html", "cases.html", "glossary.html",
               "tags.html", "roles/index.html", "changes.html"}


def expected_pages() -> set[str]:
    """Every HTML page the shipped content must produce, computed from the content itself."""
    content, problems = load_content(CONTENT)
    assert not [p for p in problems if p.is_error], [p.format() for p in problems]
    pages = set(FIXED_PAGES)
    pages |= {f"procedures/{pid}.html" for pid in content.procedures}
    pages |= {f"roles/{rid}.html" for rid in content.roles}
    pages |= {f"domains/{p.domain}.html" for p in content.procedures.values()}
    pages |= {md.relative_to(CONTENT).with_suffix(".html").as_posix() for md in CONTENT.rglob("*.md")}
    pages |= {f"quizzes/{spec.stem}/index.html" for spec in (REPO / "quizzes").glob("*.yaml")}
    # The learner's pages: a 入职路径 per role with anything to learn, a drill where it has phrases, the 错题本.
    learners = {rid for rid, role in content.roles.items()
                if role.path or any(rid in p.roles for p in content.procedures.values())
                or any(rid in ph.roles for ph in content.phrases.values())}
    pages |= {f"learn/{rid}.html" for rid in learners} | {"learn/mistakes.html"}
    pages |= {f"learn/{rid}-drill.html" for rid in learners
              if any(stage.phrases for stage in role_path_stages(content, rid))}
    return pages


def test_strict_build_makes_one_page_per_procedure_role_and_domain(built_site: Path) -> None:
    actual = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
              if not p.relative_to(built_site).as_posix().startswith("assets/")}
    expected = expected_pages()
    assert actual == expected, f"missing: {sorted(expected - actual)}; unexpected: {sorted(actual - expected)}"
    content, _ = load_content(CONTENT)
    # Each procedure page is really that procedure's page, not an empty shell.
    for proc in content.procedures.values():
        html = (built_site / f"procedures/{proc.id}.html").read_text(encoding="utf-8")
        assert f"<title>{_html_text(proc.title)} - 服务手册</title>" in html, proc.id
        assert html.count('id="step-') >= len(proc.steps), proc.id


def _html_text(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


# --- offline: no external resource in any page ---------------------------------------------------

RESOURCE_ATTRS = {("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
                  ("source", "src"), ("source", "srcset"), ("video", "src"), ("audio", "src"), ("embed", "src"),
                  ("object", "data"), ("image", "href"), ("use", "href"), ("input", "src")}


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.resources: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in RESOURCE_ATTRS:
                if tag == "link" and name == "href":
                    rel = dict(attrs).get("rel") or ""
                    if not {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch",
                            "preconnect", "dns-prefetch"} & set(rel.split()):
                        continue  # <link rel="canonical"> and the like load nothing
                self.resources.append((tag, value))
            elif tag == "a" and name == "href":
                self.links.append(value)
            elif name == "style":
                self.styles.append(value)
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def _external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme in ("http", "https") or url.strip().startswith("//"))


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    outside_links: set[str] = set()
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        rel = page.relative_to(built_site)
        bad = [(tag, url) for tag, url in parser.resources
               if _external(url) or any(_external(u.split()[0]) for u in url.split(",") if u.strip())]
        assert not bad, f"{rel} loads from outside: {bad}"
        for css in parser.styles:
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), f"{rel}: inline style loads from outside"
            assert "@import" not in css, rel
        outside_links.update(u for u in parser.links if _external(u))
    # Plain links to outside are allowed (nothing needs them to render); list them so a reviewer sees them.
    print(f"outside <a href> links: {sorted(outside_links)}")
    for css in built_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+(url\()?\s*['\"]?(https?:)?//", text), css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css
    # Our scripts name no outside URL. Material's bundle names a few that it fetches only when a
    # feature asks for them: a repo_url (source facts), a `mermaid` diagram, or a browser without
    # ResizeObserver. None of the pages has the first two; the Chromium test proves no fetch at all.
    for js in (built_site / "assets/javascripts").glob("*.js"):
        if js.name.startswith("bundle."):
            continue
        urls = set(re.findall(r"""["'`](https?://[^"'`\s]+)""", js.read_text(encoding="utf-8")))
        assert not {u for u in urls if not u.startswith("http://www.w3.org/")}, js
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'data-md-component="source"' not in html, page
        assert 'class="mermaid"' not in html, page


def test_404_page_works_opened_from_disk(built_site: Path) -> None:
    """No site_url: the error page links relatively, like every other page, and its assets exist."""
    page = built_site / "404.html"
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    local = [url for _tag, url in parser.resources if not _external(url) and not url.startswith("data:")]
    assert local, "404.html loads no stylesheet or script?"
    rooted = [url for url in local + list(parser.links) if url.startswith("/") and not url.startswith("//")]
    assert not rooted, f"404.html links from the server root: {rooted[:5]}"
    missing = [url for url in local if not (built_site / urlsplit(url).path).is_file()]
    assert not missing, missing
    html = page.read_text(encoding="utf-8")
    assert "找不到这个页面" in html and "Not found" not in html  # a new hire reads Chinese
    assert "回到首页" in html


# --- glossary tooltips --------------------------------------------------------------------------


def test_glossary_terms_become_abbr_tooltips_on_procedure_pages(built_site: Path) -> None:
    content, _ = load_content(CONTENT)
    checked = 0
    for term in content.glossary:
        users = [p for p in content.procedures.values()
                 if any(term.term in point for step in p.steps for point in step.points)]
        if not users or not re.fullmatch(r"[\w\u4e00-\u9fff]+", term.term):
            continue
        html = (built_site / f"procedures/{users[0].id}.html").read_text(encoding="utf-8")
        match = re.search(rf'<abbr title="([^"]+)">{re.escape(term.term)}</abbr>', html)
        assert match, f"{term.term} not a tooltip on procedures/{users[0].id}.html"
        assert term.definition[:10] in match.group(1)
        checked += 1
    assert checked >= 5, "too few glossary terms used in procedures to prove the tooltips"
    sa = (built_site / "procedures/sales-office-reception.html").read_text(encoding="utf-8")
    assert "<abbr" in sa


# --- search index: domain words stay whole, or are cut only into words ----------------------------


def test_search_index_keeps_domain_words_whole(built_site: Path) -> None:
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    assert separator.match("\u200b"), "the zh separator must split on U+200B (jieba's word marks)"
    tokens: set[str] = set()
    for doc in index["docs"]:
        tokens.update(separator.split(doc["title"] + " " + doc["text"]))
    for word in ("三件套", "4S店", "目送", "投诉"):
        assert word in tokens, f"{word} is not a single search term in the index"
    # A domain word made of dictionary words is cut into them (issue 28), so 确认 finds it too.
    assert "五项确认" not in tokens and {"五项", "确认"} <= tokens
    # The offline copy of the index is the same data.
    js = (built_site / "search/search_index.js").read_text(encoding="utf-8")
    assert js.startswith("var __index = ")


def test_search_index_holds_what_pages_say_once(built_site: Path) -> None:
    """Controls, link lists and repeats stay out of the index: each phrase is found on its step,
    not again on the phrases page and role pages; no 复制 buttons or 打印检查表 links."""
    content, _ = load_content(CONTENT)
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    docs = [(d["location"], (d["title"] + d["text"]).replace("\u200b", "")) for d in index["docs"]]
    assert not [loc for loc, _ in docs if loc.startswith("tags.html")]
    assert not [loc for loc, _ in docs if loc.startswith("roles/") and "#" in loc]  # intro only
    assert not [loc for loc, _ in docs if loc.endswith(("#steps", "#flow", "#self-check"))]
    for loc, text in docs:
        if loc.startswith(("procedures/", "roles/", "phrases.html", "domains/")):
            assert "打印检查表" not in text and "规范用语复制" not in text and not text.endswith("复制"), loc
    # Rules for a whole procedure are found on it (they are not under an excluded heading).
    for proc in content.procedures.values():
        for rule in proc.must + proc.never:
            assert any(loc.startswith(f"procedures/{proc.id}.html") and rule.replace(" ", "") in text.replace(" ", "")
                       for loc, text in docs), (proc.id, rule)
    used = content.phrase_uses()
    for pid, phrase in content.phrases.items():
        found = {loc.split("#")[0] for loc, text in docs if phrase.text.replace(" ", "") in text.replace(" ", "")}
        if pid in used:
            proc_id, _step = used[pid][0]
            assert f"procedures/{proc_id}.html" in found, (pid, found)
            assert "phrases.html" not in found, pid


def test_search_worker_segments_queries_our_way(built_site: Path) -> None:
    workers = list((built_site / "assets/javascripts/workers").glob("search.*.min.js"))
    assert workers
    code = workers[0].read_text(encoding="utf-8")
    assert code.startswith("/* playbook: search query segmentation")
    assert re.search(r"(\w+)=playbookSearchQuery\(\1,this\.index\.invertedIndex\)", code)


# --- links: generated pages are HTML, so MkDocs does not check their links; this does -------------


def test_every_link_between_pages_and_every_anchor_exists(built_site: Path) -> None:
    from handbook_support import broken_links

    # This build makes no printables: the quiz pages' links to the papers, keys and coverage report
    # point at files a full build writes (the quiz tests check those).
    printables = re.compile(r"quizzes/[^/]+/index\.html: ((paper|key)-[A-Z]|coverage)\.html \(no such page\)")
    assert [b for b in broken_links(built_site) if not printables.fullmatch(b)] == []


def test_links_follow_use_directory_urls(tmp_path: Path) -> None:
    import yaml
    from handbook_support import broken_links, mkdocs_build, write_config, write_small_content

    config = write_config(tmp_path, write_small_content(tmp_path / "content"), plugin={"printables": "never"})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["use_directory_urls"] = True  # a site served from a web server; Material's offline plugin
    data["plugins"] = [p for p in data["plugins"] if p != "offline"]  # would turn directory URLs off
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = mkdocs_build(config, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    site = tmp_path / "site"
    page = (site / "procedures/front-desk/index.html").read_text(encoding="utf-8")
    assert 'href="../../domains/front/"' in page and 'href="../../checklists/front-desk.pdf"' in page
    assert broken_links(site) == []
