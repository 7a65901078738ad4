"""Generated pages as HTML from Jinja templates (autoescaped), not through Python-Markdown.

Every generated page is ours, so its HTML is written directly: Python-Markdown would parse each
page's raw HTML blocks twice and run its inline patterns over every line, which made Markdown the
largest cost of a build (about 8 ms of a procedure page's 11 ms). MkDocs still gets a page
for each: a file holding only the front matter (title, tags, description), whose empty Markdown
body the plugin replaces in ``on_page_content`` with ``render_page``'s HTML and table of contents.

What Markdown extensions did for these pages is done here:
- ``toc`` with permalinks: ``Page.heading`` writes the heading with its ¶ link and records it;
- ``abbr`` (our CJK-aware one): ``Glossary`` marks glossary terms in content text;
- MkDocs' link rewriting: ``Links`` turns a page's source path into a URL relative to the page;
- MkDocs' anchor list: ``Rendered.anchors`` (so hand-written links to ``page.md#step-3`` are checked).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape
from mkdocs.structure.toc import TableOfContents, get_toc
from mkdocs.utils import get_relative_url

from .abbr import terms_regex

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "handbook"


class Glossary:
    """Marks glossary terms in a piece of content text as ``<abbr title="…">`` (Material shows
    them as tooltips), with the same matching rules as the ``generator.handbook.abbr`` extension."""

    def __init__(self, tips: dict[str, str]) -> None:
        self.tips = tips
        self.pattern = terms_regex(tips) if tips else None

    def __call__(self, text: str) -> Markup:
        if self.pattern is None or not self.pattern.search(text):
            return escape(text)
        out: list[str] = []
        last = 0
        for match in self.pattern.finditer(text):
            out.append(escape(text[last:match.start()]))
            out.append(Markup('<abbr title="{}">{}</abbr>').format(self.tips[match.group(0)], match.group(0)))
            last = match.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)


class Links:
    """URLs from one page to other pages (by source path) and to files of the built site."""

    def __init__(self, page_url: str, url_of: Callable[[str], str | None]) -> None:
        self.page_url = page_url
        self.url_of = url_of

    def page(self, path: str, anchor: str = "") -> str:
        url = self.url_of(path)
        if url is None:
            raise KeyError(f"link to a page that is not in the site: {path}")
        return get_relative_url(url, self.page_url) + (f"#{anchor}" if anchor else "")

    def file(self, site_path: str) -> str:
        return get_relative_url(site_path, self.page_url)


class Page:
    """What a template calls while it renders one page: links, glossary, and headings (the TOC)."""

    def __init__(self, links: Links, glossary: Glossary) -> None:
        self.links = links
        self.glossary = glossary
        self._toc: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []

    def heading(self, level: int, anchor: str, text: str, *, gloss: bool = False, attrs: str = "") -> Markup:
        """``<hN id>`` with its permalink, as the ``toc`` extension writes it; recorded for the TOC."""
        token = {"level": level, "id": anchor, "name": str(escape(text)), "children": []}
        while self._open and self._open[-1]["level"] >= level:
            self._open.pop()
        (self._open[-1]["children"] if self._open else self._toc).append(token)
        self._open.append(token)
        body = self.glossary(text) if gloss else escape(text)
        a, extra = escape(anchor), f" {attrs}" if attrs else ""
        return Markup(f'<h{level} id="{a}"{extra}>{body}<a class="headerlink" href="#{a}" title="Permanent link">'
                      f"&para;</a></h{level}>")

    def toc(self) -> TableOfContents:
        return get_toc(self._toc)  # type: ignore[arg-type]


class _BytecodeCache(FileSystemBytecodeCache):
    """Jinja's own on-disk cache of compiled templates (a private folder in the system temp dir,
    keyed by each template's source): compiling the page templates is ~60 ms of every build.
    A cache never fails a build: a file that cannot be written is simply not cached."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> BytecodeCache | None:
    try:
        return _BytecodeCache()
    except (RuntimeError, OSError):  # no safe or writable temp folder: compile every time
        return None


_ENV: Environment | None = None


def environment() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True, bytecode_cache=_bytecode_cache())
    return _ENV


class Rendered(NamedTuple):
    html: str
    toc: TableOfContents
    anchors: set[str]
    """Every id in the page: MkDocs checks links to ``page.md#anchor`` in hand-written pages against these."""


_ID = re.compile(r'\sid="([^"]*)"')


def render_page(template: str, context: dict[str, Any], links: Links, glossary: Glossary) -> Rendered:
    """The page body's HTML, its table of contents and its anchors."""
    page = Page(links, glossary)
    html = environment().get_template(template).render(
        context, h=page.heading, url=links.page, file=links.file, g=glossary)
    return Rendered(html, page.toc(), {unescape(a) for a in _ID.findall(html)})
