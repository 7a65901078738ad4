"""Helpers for the handbook tests: a private mkdocs.yml, real builds, a local HTTP server, Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


def write_config(dest: Path, content: Path, *, plugin: dict[str, Any] | None = None,
                 strict: bool = True) -> Path:
    """A copy of the repo's mkdocs.yml in ``dest`` that reads ``content`` and the repo's overrides.

    ``plugin``: options for the playbook plugin. Tests that are not about checklists or quizzes
    pass ``printables: never`` (PDFs are slow and belong to the checklist tests).
    """
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(content.resolve())
    config["site_dir"] = str((dest / "site").resolve())
    config["theme"]["custom_dir"] = str((REPO / "site_overrides").resolve())
    config["strict"] = strict
    # Quiz specs name shipped content: only a build of the shipped content reads them.
    quizzes = REPO / "quizzes" if content.resolve() == CONTENT.resolve() else dest / "no-quizzes"
    options = {"quizzes_dir": str(quizzes.resolve()), **(plugin or {})}
    plugins = []
    for entry in config["plugins"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        plugins.append({"playbook": options} if name == "playbook" else entry)
    config["plugins"] = plugins
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def env() -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")


def mkdocs_build(config: Path, site: Path, *, strict: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)]
    if strict:
        args.append("--strict")
    return subprocess.run(args, env=env(), capture_output=True, text=True, timeout=timeout, cwd=config.parent)


def build_shipped_handbook(root: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of the shipped content into ``root/site`` with the repo's mkdocs.yml,
    but ``printables: never`` (checklist PDFs and quiz papers have their own tests and benchmarks)."""
    return mkdocs_build(write_config(root, CONTENT, plugin={"printables": "never"}), root / "site", strict=True)


def playbook(*args: str, cwd: Path = REPO, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], env=env(), capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def preview_server(content: Path, config: Path, log: Path, *extra: str,
                   cwd: Path = REPO) -> Iterator[tuple[subprocess.Popen, int]]:
    """`playbook serve` (with ``extra`` options) in its own process group on a free port, output in
    ``log``; stopped (SIGINT, then SIGKILL) on exit. Yields the process and its port."""
    port = free_port()
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "--content", str(content), "--config", str(config),
             "--dev-addr", f"127.0.0.1:{port}", *extra],
            cwd=cwd, env=env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield server, port
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGINT)
                try:
                    server.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser closing a connection early is not a test failure


@contextlib.contextmanager
def serve_dir(root: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, to prove a failed build touched nothing."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_small_content(root: Path, *, title: str = "前台接待", phrase: str = "您好，欢迎光临！") -> Path:
    """A tiny valid content folder (one domain, role, procedure, phrase, term): builds in seconds."""
    (root / "procedures").mkdir(parents=True, exist_ok=True)
    (root / "phrases").mkdir(exist_ok=True)
    (root / "glossary").mkdir(exist_ok=True)
    (root / "domains.yaml").write_text("- id: front\n  name: 前台\n  description: 前台接待。\n", encoding="utf-8")
    (root / "roles.yaml").write_text("- id: receptionist\n  name: 前台接待员\n  description: 接待来访客户。\n",
                                     encoding="utf-8")
    (root / "phrases" / "front.yaml").write_text(
        f"- id: greet\n  text: {yaml.safe_dump(phrase, allow_unicode=True).splitlines()[0]}\n"
        "  when: 客户进门时\n  roles: [receptionist]\n  source: test.txt\n", encoding="utf-8")
    (root / "glossary" / "front.yaml").write_text(
        "- term: SA\n  full: Service Advisor 服务顾问\n  definition: 维修前台的业务接待人员。\n", encoding="utf-8")
    (root / "procedures" / "front-desk.yaml").write_text(
        "id: front-desk\n"
        f"title: {title}\n"
        "summary: 客户进门时 SA 的接待步骤。\n"
        "domain: front\n"
        "roles: [receptionist]\n"
        "source: test.txt\n"
        "steps:\n"
        "  - title: 起身问好\n"
        "    points: [客户进门三秒内起身]\n"
        "    phrases: [greet]\n"
        "  - title: 请客户就座\n"
        "    points: [引导客户到休息区]\n", encoding="utf-8")
    return root


class _Anchors(HTMLParser):
    """The ids and the <a href> of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")


def broken_links(site: Path) -> list[str]:
    """Every link between the site's pages whose page or #anchor does not exist (what MkDocs'
    --strict checks for Markdown links; generated pages are HTML, so their links are checked here).
    Only links to pages are followed: PDFs and exports have tests of their own."""
    pages: dict[Path, _Anchors] = {}
    for html in sorted(site.rglob("*.html")):
        if html.relative_to(site).parts[0] == "assets":
            continue
        parser = _Anchors()
        parser.feed(html.read_text(encoding="utf-8"))
        pages[html.resolve()] = parser
    broken = []
    for page, parser in pages.items():
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or (parts.path and not parts.path.endswith((".html", "/"))):
                continue
            if not parts.path:
                target = page
            elif parts.path.startswith("/"):  # 404.html links from the site root
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if target not in pages:
                broken.append(f"{page.relative_to(site.resolve())}: {href} (no such page)")
            elif parts.fragment and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{page.relative_to(site.resolve())}: {href} (no such anchor)")
    return broken
