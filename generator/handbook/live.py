"""`playbook serve`: after a save, the page being looked at first, then only what changed.

MkDocs' own serve rebuilds every page, the nav and the search index on each save (20 s at 500
procedures). ``LiveSite`` runs the same MkDocs build steps and plugin events as
``mkdocs.commands.build.build``, in two passes:

1. **first pass** (the browser waits for it): content is loaded again (files whose bytes did not
   change are not parsed again, see loader), the nav is planned, and only the *first* pages are
   read and rendered: the pages of the procedures defined in the saved files and the pages open
   in a browser. Then the browsers reload.
2. **catch-up** (the server answers meanwhile): every page, the search index, the sitemap. Each
   step is memoised on exactly what it reads, so only what changed is done again:
   - a page's Markdown/template rendering, on its source, front matter, the page's template
     context (with the self-check quiz), the Markdown set-up (glossary tooltips) and the site's files;
   - a page's theme rendering, on its content, table of contents, metadata, URL, the nav as that
     page shows it (with Material's pruned sidebar: its own branch, the top-level sections and its
     neighbours, so a title edit re-renders the pages of its domain, not all; otherwise the whole
     nav), the tag links, the problems overlay and the site configuration;
   - a page's search entries, on its content and the words search segments with.
   A page whose theme rendering would not change is not written again; files that no longer belong
   to the site are removed.

The result is byte for byte what a full build writes (tests/handbook/test_live.py compares them
after a series of edits). MkDocs supplies every step; what is written here is only the order and
the memo keys, which no MkDocs option provides (`--dirty` rebuilds by file time and leaves the
nav and search index wrong, as MkDocs warns).
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.commands.build import _build_extra_template, _build_theme_template, get_context
from mkdocs.structure.files import Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from pydantic import BaseModel

from ..print.publish import write_atomic
from ..problems import display_path
from .pages import TAGS, procedure_path

log = logging.getLogger("mkdocs.plugins.playbook")



def _digest(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class _Fingerprints:
    """A template context as plain data for a memo key. Content items (frozen pydantic models) are
    written as their JSON, each once per pass (the same procedure sits in many pages' contexts;
    pydantic's repr is several times slower)."""

    def __init__(self) -> None:
        self._models: dict[int, tuple[BaseModel, str]] = {}

    def of(self, value: Any) -> Any:
        if isinstance(value, BaseModel):
            hit = self._models.get(id(value))
            if hit is None or hit[0] is not value:
                hit = self._models[id(value)] = (value, type(value).__name__ + value.model_dump_json())
            return hit[1]
        if isinstance(value, dict):
            return tuple((k, self.of(v)) for k, v in value.items())
        if isinstance(value, list | tuple):
            return tuple(self.of(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (type(value).__name__, tuple(self.of(getattr(value, f.name)) for f in dataclasses.fields(value)))
        return value


def _toc(items: Iterable[Any]) -> tuple:
    return tuple((i.title, i.id, i.level, _toc(i.children)) for i in items)


def _nav(items: Iterable[Any]) -> tuple:
    return tuple((type(i).__name__, i.title, getattr(i, "url", None), _nav(i.children or ())) for i in items)


PRUNED_NAV_FEATURES = frozenset({
    "navigation.sections", "navigation.prune", "navigation.top", "navigation.footer", "navigation.instant",
    "navigation.instant.prefetch", "navigation.instant.progress", "navigation.tracking", "toc.follow",
    "header.autohide", "announce.dismiss", "search.highlight", "search.share", "search.suggest",
    "content.tooltips", "content.code.copy", "content.code.annotate", "content.tabs.link", "content.action.edit",
    "content.action.view"})
"""Material features under which a page's sidebar shows only its own branch of the nav (with
``navigation.sections`` and ``navigation.prune``) and nothing else of it (no tabs, breadcrumbs,
section index pages or expanded sections)."""

NAV_FREE_TEMPLATES = ("404.html", "partials/language.html")
"""Override templates that read nothing of the nav: the error page and the UI strings (``zh-CN``)."""


def pruned_nav(config: Any, custom_files: list[tuple[str, int, int]] | None = None) -> bool:
    """Whether a page's theme rendering reads only :func:`_visible_nav`, not the whole nav: Material
    with the pruned, sectioned sidebar and no template of the override folder but
    :data:`NAV_FREE_TEMPLATES` (a template of the author's own could show any part of the nav)."""
    features = set(config.theme.get("features") or ()) if hasattr(config.theme, "get") else set()
    if config.theme.name != "material" or not {"navigation.sections", "navigation.prune"} <= features:
        return False
    if not features <= PRUNED_NAV_FEATURES:
        return False
    custom = _custom_files(config) if custom_files is None else custom_files
    templates = [name for name, _mtime, _size in custom if name.endswith(".html")]
    return all(any(name.replace(os.sep, "/").endswith("/" + free) for free in NAV_FREE_TEMPLATES)
               for name in templates)


def _visible_nav(items: Iterable[Any], level: int = 1) -> tuple:
    """The nav as Material's pruned sidebar shows it from the page being rendered (marked active,
    with its ancestors): top-level sections open, deeper ones open only on the page's path; a closed
    section is its title and a link to its first page (nav-item.html's render_pruned)."""
    out = []
    for item in items:
        children = item.children or ()
        meta = getattr(item, "meta", None) or {}
        shown = (item.title, bool(item.active), meta.get("icon"), meta.get("subtitle"), meta.get("status"))
        if not children and item.is_section:
            out.append(("empty", shown))
        elif item.is_section and (level == 1 or item.active):
            out.append(("open", shown, _visible_nav(children, level + 1)))
        elif item.is_section:
            first = children[0]
            while first.children:
                first = first.children[0]
            out.append(("closed", shown, first.url))
        else:
            out.append(("link", shown, item.url))
    return tuple(out)


def _page_nav(nav: Navigation, page: Page) -> tuple:
    """What the theme shows of the nav on this page: the sidebar, the home link, previous and next."""
    def near(other: Page | None) -> tuple | None:
        return None if other is None else (other.title, other.url)

    home = nav.homepage.url if nav.homepage is not None else None
    return (_visible_nav(nav.items), home, near(page.previous_page), near(page.next_page))


def _tag_links(context: Any) -> tuple:
    refs = context.get("tags") or ()
    return tuple((repr(getattr(r, "tag", r)), tuple((link.title, link.url) for link in getattr(r, "links", ())))
                 for r in refs)


def _snapshot(page: Page) -> dict[str, Any]:
    """What Markdown rendering (mkdocs Page.render) and our on_page_content set on a page."""
    links = page.links_to_anchors or {}
    return {"content": page.content, "toc": copy.deepcopy(page.toc),
            "present_anchor_ids": set(page.present_anchor_ids or ()),
            "links_to_anchors": {f.src_uri: dict(anchors) for f, anchors in links.items()},
            "_title_from_render": getattr(page, "_title_from_render", None)}


def _restore(page: Page, saved: dict[str, Any], files: Files) -> None:
    """A snapshot back on this pass's page. Copies: plugins change them in place later (the tags
    plugin fills its listing into the table of contents in on_env); linked files are this pass's."""
    page.content = saved["content"]
    page.toc = copy.deepcopy(saved["toc"])
    page.present_anchor_ids = set(saved["present_anchor_ids"])
    page.links_to_anchors = {files.get_file_from_path(src): dict(anchors)
                             for src, anchors in saved["links_to_anchors"].items()}
    page._title_from_render = saved["_title_from_render"]


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates, checked against each template's source by Jinja."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class Stopped(Exception):
    """A newer save arrived: the catch-up gives way to a new first pass."""


@dataclass
class PassResult:
    """What a pass wrote: page URLs (relative to the site) whose bytes changed."""

    changed: set[str] = field(default_factory=set)
    rendered: int = 0
    pages: int = 0


class LiveSite:
    """The memoised build of one site directory (see the module docstring)."""

    def __init__(self, get_config: Callable[[], Any], serve_url: str | None) -> None:
        self.get_config = get_config
        self.serve_url = serve_url
        self._populated: dict[str, tuple[str, dict[str, Any]]] = {}
        self._rendered: dict[str, tuple[str, str]] = {}
        """src_uri -> (render key, destination path) of the page as it is on disk."""
        self._search: dict[str, tuple[str, list[dict]]] = {}
        self._outputs: set[str] = set()
        """Destination paths of every file the last full pass wrote or copied."""
        self._bytecode = _MemoryBytecode()
        self._theme_listing: tuple[str, list[str]] | None = None
        self._started = False
        self.complete = False
        """True once a catch-up finished: every page of the site has been written."""

    # -- one pass ---------------------------------------------------------------------------------

    def build(self, first: Callable[[Any, Files], set[str]] | None = None,
              stop: Callable[[], bool] = lambda: False) -> PassResult:
        """A first pass (``first`` picks the pages, from the planned content and files) or, without
        ``first``, the full catch-up pass. ``stop`` is asked between pages of the catch-up."""
        if first is None:
            gc.unfreeze()  # what the last catch-up kept may be garbage now (see the end of this pass)
        config = self.get_config()
        self._keep_compiled_templates(config)
        inclusion = InclusionLevel.is_in_serve if self.serve_url else InclusionLevel.is_included
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        playbook = config.plugins["playbook"]
        files = get_files(config)
        custom = _custom_files(config)  # the theme override folder, listed once per pass
        env = self._theme_env(config, custom)
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        doc_files = files.documentation_pages(inclusion=inclusion)
        wanted = None if first is None else first(playbook, files)
        pages = [f for f in doc_files if wanted is None or f.src_uri in wanted]
        # A first pass also reads the tags page and hand-written pages (few, and they may list tags too):
        # Material links a page's tags only to tag listings it has read.
        read = [f for f in doc_files
                if wanted is None or f.src_uri in wanted or f.src_uri == TAGS or not f.generated_by]

        files_key = _digest(sorted((f.src_uri, f.url) for f in files))
        markdown_key = _digest(config.markdown_extensions, config.mdx_configs, files_key)
        self._memoise_search(config, playbook)
        fingerprints = _Fingerprints()
        for file in read:
            if file.page is None:
                Page(None, file, config)
            self._populate(file.page, config, files, playbook, markdown_key, fingerprints)
            if wanted is None and stop():
                raise Stopped
        env = config.plugins.on_env(env, config=config, files=files)

        result = PassResult(pages=len(pages))
        site_key = self._site_key(config, playbook, nav, files_key, custom)
        if wanted is None or not self._started:  # the very first pass too: its pages need the theme's assets
            files.copy_static_files(dirty=True, inclusion=inclusion)
            for template in config.theme.static_templates:
                _build_theme_template(template, env, files, config, nav)
            for template in config.extra_templates:
                _build_extra_template(template, files, config, nav)
            self._started = True
        for file in pages:
            if self._render(file.page, config, doc_files, nav, env, site_key):
                result.rendered += 1
                result.changed.add(file.url)
            if wanted is None and stop():
                raise Stopped
        if wanted is None:
            log_level = config.validation.links.anchors
            for file in doc_files:
                file.page.validate_anchor_links(files=files, log_level=log_level)
            config.plugins.on_post_build(config=config)
            self._remove_stale(files)
            # The memo holds every page's content and search entries: long-lived objects the garbage
            # collector would otherwise walk again and again during the next first pass (0.1-0.3 s).
            gc.collect()
            gc.freeze()
            self.complete = True
        return result

    # -- memoised steps ---------------------------------------------------------------------------

    def _keep_compiled_templates(self, config: Any) -> None:
        """MkDocs makes a new theme environment for every build (and Material's search plugin one
        more for its translations), which compiles Material's templates again (~0.5 s): every
        environment of this config keeps compiled code in our memory cache."""
        make = config.theme.get_env

        def get_env() -> jinja2.Environment:
            env = make()
            env.bytecode_cache = self._bytecode
            return env

        config.theme.get_env = get_env

    def _theme_env(self, config: Any, custom: list[tuple[str, int, int]]) -> Any:
        """The theme's Jinja environment, with the theme's file list kept between passes (checked:
        the override folder by its files' times)."""
        env = config.theme.get_env()
        # MkDocs asks once per build, filtering out templates and dot files (its filter depends only
        # on the theme's static templates): the filtered list is what is kept.
        key = _digest(config.theme.dirs, custom, config.theme.static_templates)
        listing = env.list_templates

        def list_templates(extensions: Any = None, filter_func: Callable[[str], bool] | None = None) -> list[str]:
            if self._theme_listing is None or self._theme_listing[0] != key:
                self._theme_listing = (key, listing(extensions, filter_func))
            return list(self._theme_listing[1])

        env.list_templates = list_templates
        return env

    def _populate(self, page: Page, config: Any, files: Files, playbook: Any, markdown_key: str,
                  fingerprints: _Fingerprints) -> None:
        """MkDocs' _populate_page, with Markdown and template rendering memoised."""
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            spec = playbook.plan.pages.get(page.file.src_uri) if playbook.plan else None
            generated = (spec.template, fingerprints.of(spec.full_context())) if spec and spec.template else None
            key = _digest(page.file.src_uri, page.url, page.markdown, page.meta, markdown_key, generated,
                          playbook.glossary.tips if playbook.glossary else None)
            hit = self._populated.get(page.file.src_uri)
            if hit is not None and hit[0] == key:
                _restore(page, hit[1], files)
                return
            page.render(config, files)
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
            self._populated[page.file.src_uri] = (key, _snapshot(page))
        finally:
            config._current_page = None

    def _memoise_search(self, config: Any, playbook: Any) -> None:
        """Each page's search entries are kept while its content and the search words are the same."""
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        if index is None or not hasattr(index, "add_entry_from_context"):
            return
        add = index.add_entry_from_context
        words = _digest(playbook.search.words)
        memo = self._search

        def add_entry(page: Page) -> None:
            key = _digest(words, page.url, page.title, page.content, _toc(page.toc), page.meta)
            hit = memo.get(page.file.src_uri)
            if hit is not None and hit[0] == key:
                index.entries.extend(hit[1])
                return
            before = len(index.entries)
            add(page)
            memo[page.file.src_uri] = (key, index.entries[before:])

        index.add_entry_from_context = add_entry

    def _site_key(self, config: Any, playbook: Any, nav: Navigation, files_key: str,
                  custom: list[tuple[str, int, int]]) -> str:
        """What every page's theme rendering reads besides the page itself (the nav only where the
        theme shows more of it than each page's own branch: see :func:`pruned_nav`)."""
        config_file = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        whole_nav = None if pruned_nav(config, custom) else _nav(nav.items)
        return _digest(config_file, config.site_url, config.extra, config.extra_css, config.extra_javascript,
                       dict(config.theme.items()) if hasattr(config.theme, "items") else repr(config.theme),
                       custom, whole_nav, files_key, playbook.overlay)

    def _render(self, page: Page, config: Any, doc_files: Any, nav: Navigation, env: Any, site_key: str) -> bool:
        """MkDocs' _build_page, skipped when nothing the theme reads changed. True if written."""
        config._current_page = page
        try:
            page.active = True
            context = get_context(nav, doc_files, config, page)
            template_name = page.meta.get("template", "main.html")
            template = env.get_template(template_name)
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            key = _digest(site_key, template_name, page.url, page.canonical_url, page.title, page.meta,
                          page.content, _toc(page.toc), _tag_links(context), _page_nav(nav, page))
            dest = page.file.abs_dest_path
            if self._rendered.get(page.file.src_uri) == (key, dest) and os.path.isfile(dest):
                return False
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
            if output.strip():
                # the server may answer a request for this file while it is written: never half a page
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                write_atomic(Path(dest), output.encode("utf-8", errors="xmlcharrefreplace"))
            self._rendered[page.file.src_uri] = (key, dest)
            return True
        finally:
            page.active = False
            config._current_page = None

    def _remove_stale(self, files: Files) -> None:
        """Files of the last full pass that are no longer part of the site (a deleted procedure)."""
        outputs = {f.abs_dest_path for f in files}
        for path in sorted(self._outputs - outputs):
            if os.path.isfile(path):
                os.unlink(path)
        live = {f.src_uri for f in files}
        for memo in (self._populated, self._rendered, self._search):
            for src in [s for s in memo if s not in live]:
                del memo[src]
        self._outputs = outputs


def _custom_files(config: Any) -> list[tuple[str, int, int]]:
    """The theme override folder's files with their times and sizes (the theme package itself does
    not change while serving)."""
    custom = config.theme.custom_dir
    out = []
    if custom and os.path.isdir(custom):
        for path in sorted(Path(custom).rglob("*")):
            if path.is_file():
                st = path.stat()
                out.append((str(path), st.st_mtime_ns, st.st_size))
    return out


def pages_of_files(playbook: Any, files: Files, saved: Iterable[str], viewed: Iterable[str]) -> set[str]:
    """The pages a first pass renders: those of the procedures written in the saved files, and the
    pages open in a browser (site-relative URLs)."""
    content = playbook.content
    wanted: set[str] = set()
    saved_paths = {os.path.abspath(p) for p in saved}
    if content is not None and saved_paths:
        by_path = {os.path.abspath(f): f for f in content.files}
        shown = {display_path(by_path[p]) for p in saved_paths if p in by_path}
        for (kind, item_id), origin in content.origins.items():
            if kind == "procedures" and origin.file in shown:
                wanted.add(procedure_path(item_id))
    urls = set(viewed)
    for f in files.documentation_pages():
        if f.url in urls:
            wanted.add(f.src_uri)
    wanted.discard(TAGS)  # Material lists every page's tags there: complete only in a full pass
    return wanted
