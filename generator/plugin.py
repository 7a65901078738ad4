"""The MkDocs plugin `playbook`: a thin map from MkDocs events to the core.

- on_config: load and validate content (errors -> PluginError before anything is written),
  plan the pages and the nav, set up Chinese search (handbook/search_setup.py; it finishes the
  index in on_post_build).
- on_files: add the generated pages as virtual files; drop YAML sources from the site.
- on_page_content: generated pages are HTML rendered from templates (handbook/render.py), put in
  place of their empty Markdown body, with their table of contents.
- glossary tooltips on every page: `Glossary` in generated pages, the Markdown extension
  `generator.handbook.abbr` (set in on_config) in hand-written ones.
- under `mkdocs serve`, content problems do not stop the server: the last good content is built
  again and every page carries an overlay listing the problems (handbook/problems_page.py) until
  the file is fixed.
- on_pre_build starts the site's PDFs (checklists, role booklets, read-and-sign sheets) in a
  layout thread; on_post_build collects them and writes quiz papers/exports (skipped under `mkdocs serve`).

`playbook serve` drives these same events through handbook/live.py, which renders only what a save
changed; plain `mkdocs serve` rebuilds everything on each save.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs import utils
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from .booklet.render import site_jobs as booklet_jobs
from .checklist.render import site_jobs as checklist_jobs
from .content import Content
from .exports.pack import SECTION_PAGE, SECTION_TITLE, build_pack, section_markdown
from .handbook.offline import write_offline
from .handbook.pages import procedure_path
from .handbook.problems_page import problems_overlay, with_overlay
from .handbook.render import Glossary, Links, render_page
from .handbook.search_setup import SearchSetup
from .handbook.site import SitePlan, glossary_tooltips, plan_site
from .loader import YAML_SUFFIXES, load_or_raise
from .print.batch import PrintBatch
from .problems import PlaybookError
from .quiz.assemble import label
from .quiz.online import PROCEDURE_PAGE
from .quiz.practice import exam_set
from .quiz.site import procedure_quiz_html, spec_page_markdown
from .quiz.spec import load_specs

log = logging.getLogger("mkdocs.plugins.playbook")

# Vendored iframe-worker shim (site_overrides), replacing the CDN URL Material's offline plugin adds.
IFRAME_WORKER = "assets/javascripts/vendor/iframe-worker-shim.js"
# Starts the search index build when the reader goes to the search box (site_overrides; without it the
# first query builds it); a head script (Material's polyfills), so it runs before Material's bundle
# starts the search worker.
SEARCH_WARM = "assets/javascripts/search-warm.js"


class PlaybookConfig(Config):
    content_dir = c.Optional(c.Type(str))
    """Content folder; defaults to the MkDocs docs_dir."""
    quizzes_dir = c.Type(str, default="quizzes")
    """Quiz specs, relative to mkdocs.yml."""
    printables = c.Choice(("auto", "always", "never"), default="auto")
    """Checklist PDFs and quiz papers: `auto` makes them on build and skips them on serve."""
    self_check = c.Type(bool, default=True)
    """A short self-check quiz at the bottom of each procedure page."""
    trainer_pack_dir = c.Type(str, default="trainer-pack")
    """The trainers' pack (papers, keys, answer sheets, LMS exports), relative to mkdocs.yml: never
    inside the site."""
    trainer_pack_in_site = c.Type(bool, default=False)
    """Also publish the pack as a section of the site (only for an internal site: no access control)."""


def _hand_page_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip("\"'")
    return path.stem


class PlaybookPlugin(BasePlugin[PlaybookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.content: Content | None = None
        self.plan: SitePlan | None = None
        self.glossary: Glossary | None = None
        self.problems: list[Any] = []
        """Under serve: the problems of the last rebuild, shown over the last good site."""
        self._good: tuple[Content, Any, Any] | None = None
        self.overlay = ""
        """The problems overlay's HTML, made once per build ("" when there are none)."""
        self.search = SearchSetup()
        self.printables: PrintBatch | None = None
        self.pack_written: Path | None = None
        """The trainers' pack this build wrote (None when it wrote none)."""
        """The site's PDFs being made during a build (started in on_pre_build)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: Any) -> Any:
        self.pack_written = None
        config_dir = Path(config.config_file_path or ".").resolve().parent
        content_dir = Path(self.config.content_dir or config.docs_dir)
        if not content_dir.is_absolute():
            content_dir = config_dir / content_dir
        self.quizzes_dir = config_dir / self.config.quizzes_dir
        self.pack_dir = config_dir / self.config.trainer_pack_dir
        try:
            content, warnings = load_or_raise(content_dir, strict=bool(config.strict))
            for w in warnings:
                log.warning(w.format())
            quiz_block, quiz_pages = self._quiz_hooks(content)
        except PlaybookError as exc:
            if self.command != "serve" or self._good is None:
                raise PluginError("内容有问题，未生成网站 (content problems, site not built):\n" + str(exc)) from exc
            # Live preview: keep serving the last good content, with the problems over every page.
            if list(exc.problems) != self.problems:  # `playbook serve` loads twice per save: say it once
                _report_to_terminal(list(exc.problems))
            self.problems = list(exc.problems)
            content, quiz_block, quiz_pages = self._good
        else:
            if self.problems:
                print("内容已改好，预览已更新。", file=sys.stderr, flush=True)
            self.problems = []
            self._good = (content, quiz_block, quiz_pages)
        self.overlay = str(problems_overlay(self.problems)) if self.problems else ""
        self.content = content
        hand = {p.relative_to(content_dir).as_posix(): _hand_page_title(p)
                for p in sorted(content_dir.rglob("*.md"))}
        exams = self.quizzes_dir if self.quizzes_dir.is_dir() else None
        self.plan = plan_site(content, hand, quiz_block, quiz_pages, self._trainer_page(content),
                              (lambda: exam_set(content, exams).scenarios()) if exams else None)
        config.nav = self.plan.nav
        tips = glossary_tooltips(content)
        self.glossary = Glossary(tips)
        _use_glossary_tooltips(config, tips)
        procedures = {procedure_path(pid) for pid in content.procedures}
        self.search.configure(config, content, (path for path in self.plan.pages if path not in procedures))
        return config

    def _quiz_hooks(self, content: Content) -> tuple[Any, dict[str, tuple[str, Any]]]:
        """The self-check block under each procedure and one self-check page per quiz spec."""
        # Practice on the site never uses a question of any exam paper: the exams are worked out
        # when the first page asks (a procedure page under serve need not wait for every spec).
        exams = self.quizzes_dir if self.quizzes_dir.is_dir() else None
        block = functools.partial(procedure_quiz_html, exam=exams) if self.config.self_check else None
        pages: dict[str, tuple[str, Any]] = {}
        if self.quizzes_dir.is_dir():
            for spec in load_specs(self.quizzes_dir, content):
                pages[f"quizzes/{spec.stem}/index.md"] = (
                    spec.title, lambda s=spec: spec_page_markdown(content, s, exams))
        return block, pages

    def _trainer_page(self, content: Content) -> tuple[str, str, Any] | None:
        """The pack's section of the site, for a team that opted in (an internal site)."""
        if not self.config.trainer_pack_in_site or not self.quizzes_dir.is_dir():
            return None

        specs = [(s.stem, s.title, [label(i) for i in range(s.versions)])
                 for s in load_specs(self.quizzes_dir, content)]
        return SECTION_PAGE, SECTION_TITLE, lambda: section_markdown(specs)

    def on_pre_build(self, *, config: Any) -> None:
        """After every plugin's on_config: finish the search set-up and keep the site offline."""
        assert self.content is not None
        self.search.segment(config)
        # Material's offline plugin adds a CDN script (iframe-worker, search from file://): use our copy.
        polyfills = [IFRAME_WORKER if "iframe-worker" in str(url) else url for url in config.extra.get("polyfills") or []]
        warm = config.theme.custom_dir and Path(config.theme.custom_dir, SEARCH_WARM).is_file()
        config.extra["polyfills"] = polyfills + ([SEARCH_WARM] if warm and SEARCH_WARM not in polyfills else [])
        if self._printables_wanted() and self.command != "serve":
            self._start_printables()

    @event_priority(50)  # before Material's search plugin indexes the page
    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """A page listing procedures weighs less in search (Material's `search: boost`)."""
        self.search.weigh(page)
        return context

    def on_files(self, files: Files, *, config: Any) -> Files:
        assert self.plan is not None
        for f in list(files):
            if f.src_uri.endswith(YAML_SUFFIXES) and not f.generated_by:
                files.remove(f)
        for path, spec in sorted(self.plan.pages.items()):
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, path, content=spec.source, inclusion=InclusionLevel.INCLUDED))
        return files

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """A generated HTML page: its (empty) Markdown body is replaced by the rendered template."""
        assert self.plan is not None and self.glossary is not None
        spec = self.plan.pages.get(page.file.src_uri)
        if spec is None or spec.template is None:
            return _link_procedure_pages(html, page, files)

        def url_of(path: str) -> str | None:
            target = files.get_file_from_path(path)
            return target.url if target is not None else None

        rendered = render_page(spec.template, spec.full_context(), Links(page.url, url_of), self.glossary)
        page.toc, page.present_anchor_ids = rendered.toc, rendered.anchors
        return rendered.html

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        if not self.overlay:
            return output
        return with_overlay(output, Markup(self.overlay))

    def on_template_context(self, context: Any, *, template_name: str, config: Any) -> Any:
        """MkDocs links an error page from the server root (`/assets/…`), which breaks it opened
        from disk. Without a site_url there is no server root to trust: link relatively, as every
        other page does (404.html sits at the top of the site)."""
        if not utils.is_error_template(template_name) or config.site_url:
            return context
        context["base_url"] = "."
        context["extra_css"] = [utils.normalize_url(str(p), None, ".") for p in config.extra_css]
        context["extra_javascript"] = [utils.normalize_url(str(p), None, ".") for p in config.extra_javascript]
        return context

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.quizzes_dir.is_dir():
            server.watch(str(self.quizzes_dir))
        return server

    def _printables_wanted(self) -> bool:
        mode = self.config.printables
        return mode == "always" or (mode == "auto" and self.command != "serve")

    def _start_printables(self) -> None:
        """Start the site's PDFs (print/batch.py: a layout thread). A build starts them in
        on_pre_build, so they are laid out while MkDocs renders the pages; on_post_build collects
        them. Under serve (``printables: always``) on_post_build starts them itself: `playbook serve`
        runs first passes that end without an on_post_build."""
        assert self.content is not None
        try:
            jobs = checklist_jobs(self.content) + booklet_jobs(self.content)
        except PlaybookError as exc:
            raise PluginError(str(exc)) from exc
        self.printables = PrintBatch.start(jobs)

    @event_priority(-100)
    def on_post_build(self, *, config: Any) -> None:
        self.search.finish(Path(config.site_dir))  # before the offline plugin copies the index (same priority, later)
        if self.command != "serve":  # the live preview is not cached: every save shows at once
            write_offline(Path(config.site_dir), config.site_name, config.site_description or "")
        if not self._printables_wanted():
            return
        if self.printables is None:
            self._start_printables()
        assert self.printables is not None
        assert self.content is not None
        site_dir = Path(config.site_dir)
        printables, self.printables = self.printables, None
        try:
            if self.quizzes_dir.is_dir():  # while the layout thread lays out PDFs
                self.pack_written = build_pack(self.content, self.quizzes_dir, site_dir, self.pack_dir,
                                               in_site=self.config.trainer_pack_in_site)
            printables.finish(site_dir)
        except PlaybookError as exc:
            raise PluginError(str(exc)) from exc
        finally:
            printables.close()

    def on_build_error(self, *, error: Exception) -> None:
        self.search.cleanup()
        if self.printables is not None:
            self.printables.close()
            self.printables = None


_PROCEDURE_PAGE = re.compile(re.escape(PROCEDURE_PAGE) + r'([^"]+\.md)"')


def _link_procedure_pages(html: str, page: Any, files: Files) -> str:
    """The procedure page each question of a quiz page names (``procedures/<id>.md``) as the URL it
    has in this site, relative to the page (either ``use_directory_urls``)."""
    if PROCEDURE_PAGE not in html:
        return html

    def url(match: re.Match) -> str:
        target = files.get_file_from_path(match.group(1))
        link = utils.get_relative_url(target.url, page.url) if target is not None else ""
        return f'{PROCEDURE_PAGE}{escape(link, quote=True)}"'

    return _PROCEDURE_PAGE.sub(url, html)


def _report_to_terminal(problems: list[Any]) -> None:
    """Problems the way `playbook check` prints them, one per line (no traceback)."""
    lines = ["内容有问题，预览显示的是上一次正确的版本（浏览器里也列出了这些问题）："]
    lines += [p.format() for p in problems]
    print("\n".join(lines), file=sys.stderr, flush=True)


def _use_glossary_tooltips(config: Any, tips: dict[str, str]) -> None:
    """Replace Markdown's `abbr` (which misses terms inside Chinese text) by our CJK-aware one,
    with the glossary as its abbreviations, so every page gets tooltips without any added text."""
    name = "generator.handbook.abbr"
    extensions = [ext for ext in config.markdown_extensions if ext not in ("abbr", "markdown.extensions.abbr")]
    if name not in extensions:
        extensions.append(name)
    config.markdown_extensions = extensions
    options = dict(config.mdx_configs.get(name) or {})
    options["glossary"] = {**tips, **(options.get("glossary") or {})}
    config.mdx_configs[name] = options
