"""`playbook serve`: MkDocs' live-reload server, driving ``LiveSite`` instead of a full build per save.

What changes against ``mkdocs serve`` (whose server, file watching and browser reload are used as
they are): the server remembers which files were saved and which pages browsers have open (their
reload polls name the page), runs the first pass for those pages, reloads the browsers, and then
catches up with the rest while it goes on answering requests. A page open in a browser that the
catch-up changed reloads once more. A save during the catch-up interrupts it.

It also starts fast: the first pass writes the home page and the theme's assets, the server answers,
and the whole site is written by a catch-up in the background (two minutes at 2,000 procedures). A
page asked for before the catch-up reached it is rendered for that request (a first pass of its
own). A request for the search index waits until the catch-up wrote it, so a page's search starts
working then; the open pages also reload once.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import watchdog.events
import watchdog.observers
import watchdog.observers.polling
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer, _serve_url, _timestamp

from .live import LiveSite, Stopped, pages_of_files
from .pages import HOME

log = logging.getLogger("mkdocs.livereload")

_CHANGES = {watchdog.events.EVENT_TYPE_CREATED, watchdog.events.EVENT_TYPE_MODIFIED, watchdog.events.EVENT_TYPE_DELETED,
            watchdog.events.EVENT_TYPE_MOVED, watchdog.events.EVENT_TYPE_CLOSED}
_CHANGE_EVENTS = [watchdog.events.FileCreatedEvent, watchdog.events.FileModifiedEvent, watchdog.events.FileDeletedEvent,
                  watchdog.events.FileMovedEvent, watchdog.events.FileClosedEvent, watchdog.events.DirCreatedEvent,
                  watchdog.events.DirDeletedEvent, watchdog.events.DirMovedEvent]
"""What the watches ask the system for. Without a filter watchdog also asks inotify for every open and
read-only close: each pass reads every content file, and at 2,000 procedures handling those events
in Python slowed each first pass by ~0.4-0.7 s (median 2.07 s -> 1.40 s, benchmarks/bench_serve.py)."""

SEARCH_INDEX = "/search/search_index.json"
SEARCH_WAIT = 600.0
"""Seconds a request for the search index may wait for the first catch-up (2 min at 2,000 procedures)."""

VIEWED_FOR = 30.0
"""Seconds a page counts as open after its last reload poll (covers the moment a browser reloads)."""


class LiveServer(LiveReloadServer):
    def __init__(self, site: LiveSite, *, poll: bool = False, **kwargs: Any) -> None:
        super().__init__(builder=lambda: None, **kwargs)
        self.site = site
        self._lock = threading.Lock()
        self._saved: set[str] = set()
        self._viewed: dict[str, list[float]] = {}
        """Page path -> [open polls, last poll time]."""
        self._catch_up = True
        """A catch-up is due without a first pass (at start: the first pass was the home page)."""
        self._first_pass_done = 0.0
        """When the last finished first pass started (its viewed pages were taken then)."""
        # MkDocs polls the files every 0.5 s; the system's file events (inotify) arrive at once.
        # Where they cannot be had (watch limit reached), polling it is, as in MkDocs; ``poll`` asks
        # for it from the start (mounts that never send events: network drives, some containers).
        self.observer = (watchdog.observers.polling.PollingObserver(timeout=0.5) if poll
                         else watchdog.observers.Observer())
        self._handlers: dict[str, Any] = {}

    def _schedule(self, path: str, handler: Any, recursive: bool) -> Any:
        try:
            return self.observer.schedule(handler, path, recursive=recursive, event_filter=_CHANGE_EVENTS)
        except OSError:
            if isinstance(self.observer, watchdog.observers.polling.PollingObserver):
                raise
            log.warning("无法监听文件变化事件，改为每 0.5 秒检查一次文件")
            self.observer = watchdog.observers.polling.PollingObserver(timeout=0.5)
            for other, (other_handler, other_recursive) in self._handlers.items():
                if other != path:
                    self._watch_refs[other] = self.observer.schedule(other_handler, other, recursive=other_recursive,
                                                                     event_filter=_CHANGE_EVENTS)
            return self.observer.schedule(handler, path, recursive=recursive, event_filter=_CHANGE_EVENTS)

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """As MkDocs' watch, remembering the saved files' paths for the first pass."""
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1

        def callback(event: watchdog.events.FileSystemEvent) -> None:
            # inotify also reports files being opened and read (by our own build): only changes count.
            if event.is_directory or event.event_type not in _CHANGES:
                return
            with self._rebuild_cond:
                for changed in (event.src_path, getattr(event, "dest_path", "")):
                    if changed:
                        self._saved.add(os.fsdecode(changed))
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = callback  # type: ignore[method-assign]
        self._handlers[path] = (handler, recursive)
        self._watch_refs[path] = self._schedule(path, handler, recursive)

    def _serve_request(self, environ: dict, start_response: Any) -> Iterable[bytes] | None:
        """A reload poll waits here until the next build: while it does, its page is open."""
        if not environ.get("PATH_INFO", "").startswith("/livereload/"):
            self._before_serving(environ.get("PATH_INFO", ""))
            return super()._serve_request(environ, start_response)
        page = self._page_of(environ.get("HTTP_REFERER") or "")
        with self._lock:
            entry = self._viewed.setdefault(page, [0, 0.0])
            entry[0] += 1
            entry[1] = time.monotonic()
        try:
            return super()._serve_request(environ, start_response)
        finally:
            with self._lock:
                entry[0] -= 1
                entry[1] = time.monotonic()

    def _before_serving(self, path: str, timeout: float = 120.0) -> None:
        """Until the first catch-up is done, a page not written yet is rendered for the request: it
        counts as open, and a first pass (which interrupts the catch-up) renders it. The search
        index (written last) is answered when it exists: the page's search works from then on."""
        if self.site.complete:
            return
        if path.endswith(SEARCH_INDEX):
            deadline = time.monotonic() + SEARCH_WAIT
            while not (self.site.complete or self._shutdown) and time.monotonic() < deadline:
                time.sleep(0.2)
            return
        if not path.endswith((".html", "/")):
            return
        page = self._page_of(path)
        target = os.path.join(self.root, page)
        if os.path.isfile(target):
            return
        asked = time.monotonic()
        with self._lock:
            self._viewed.setdefault(page, [0, 0.0])[1] = asked
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()
        # Until a first pass that took this page finished (no such page: the 404 page answers then).
        while (self._first_pass_done < asked and not self.site.complete and not self._shutdown
               and time.monotonic() < asked + timeout):
            time.sleep(0.05)

    def _page_of(self, referer: str) -> str:
        path = urlsplit(referer).path
        if path.startswith(self.mount_path):
            path = path[len(self.mount_path):]
        return path + "index.html" if path == "" or path.endswith("/") else path

    def viewed(self) -> set[str]:
        now = time.monotonic()
        with self._lock:
            return {page for page, (polls, last) in self._viewed.items() if polls > 0 or now - last < VIEWED_FOR}

    def _publish(self) -> None:
        """Browsers reload (MkDocs' epoch: requests wait while it is behind)."""
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def _build_loop(self) -> None:
        while True:
            with self._rebuild_cond:
                while not self._rebuild_cond.wait_for(lambda: self._want_rebuild or self._catch_up or self._shutdown,
                                                      timeout=self.shutdown_delay):
                    pass
                if self._shutdown:
                    break
                first = self._want_rebuild
                self._catch_up = False
                if first:
                    while self._rebuild_cond.wait(timeout=self.build_delay):
                        pass  # wait until saving stops
                    self._wanted_epoch = _timestamp()
                    self._want_rebuild = False
                saved, self._saved = self._saved, set()
            started = time.monotonic()
            if first:
                viewed = self.viewed()
                try:
                    self.site.build(first=lambda playbook, files: pages_of_files(playbook, files, saved, viewed))
                except Exception:
                    traceback.print_exc()
                    log.error("预览更新失败（见上面的错误）；改好后保存，预览会再试一次。")
                    continue
                finally:
                    self._first_pass_done = started
                self._publish()
                _say(f"已更新改动的流程和正在看的页面（{time.monotonic() - started:.2f} 秒），其余页面和搜索在后台更新")
            was_complete = self.site.complete
            try:
                result = self.site.build(stop=lambda: self._want_rebuild or self._shutdown)
            except Stopped:
                continue
            except Exception:
                traceback.print_exc()
                log.error("后台更新失败（见上面的错误）；改好后保存，预览会再试一次。")
                continue
            _say(f"全部页面已更新（{time.monotonic() - started:.2f} 秒，重新生成 {result.rendered} 页）")
            if result.changed & self.viewed() or not was_complete:  # the first time: search works now
                self._wanted_epoch = _timestamp()
                self._publish()


def _say(line: str) -> None:
    """One line in the terminal (MkDocs' info log is quiet under playbook serve)."""
    print(line, file=sys.stderr, flush=True)


def serve(config_file: str, dev_addr: str | None = None, docs_dir: str | None = None, poll: bool = False) -> None:
    """``mkdocs serve`` with the incremental builder: same config handling, temporary site folder.
    Also watched: the theme override folder (``mkdocs serve`` needs ``--watch-theme`` for it)."""
    site_dir = tempfile.mkdtemp(prefix="playbook-serve-")
    overrides = {k: v for k, v in {"dev_addr": dev_addr, "docs_dir": docs_dir}.items() if v is not None}

    def get_config() -> Any:
        config = load_config(config_file=config_file, site_dir=site_dir, **overrides)
        config.site_url = serve_url
        return config

    config = load_config(config_file=config_file, site_dir=site_dir, **overrides)
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)
    site = LiveSite(get_config, serve_url)
    server = LiveServer(site, poll=poll, host=host, port=port, root=site_dir, mount_path=mount_path)

    def error_page(code: int) -> bytes | None:
        try:
            with open(f"{site_dir}/{code}.html", "rb") as fh:
                return fh.read()
        except OSError:
            return None

    server.error_handler = error_page
    try:
        started = time.monotonic()
        site.build(first=lambda playbook, files: {HOME})
        _say(f"首页已生成（{time.monotonic() - started:.1f} 秒）；其余页面在后台生成，先打开的页面先生成，"
             "搜索在全部生成后可用")
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        server = config.plugins.on_serve(server, config=config, builder=site.build)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            print("预览已停止。", file=sys.stderr)
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
