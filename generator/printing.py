"""The one print layer: Jinja environment, fonts, page CSS basics, WeasyPrint and PDF metadata.

Checklists, quiz papers, answer sheets and booklets all print through here, so they share the
same autoescaping, the same embedded CJK fonts and the same reproducible output: no clock, no
random ids; a document's date is passed in (when its content last changed).

    env = printing.environment(TEMPLATES)            # autoescaped, StrictUndefined
    css = printing.stylesheet(TEMPLATES / "x.css")   # trusted CSS as Markup, base CSS first
    doc = printing.render(html, base_url)            # a laid-out WeasyPrint document
    data = printing.pdf_bytes(html, base_url)        # or straight to bytes
    printing.write_atomic(path, data)                # all or nothing
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined
from markupsafe import Markup

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'
"""Debian's fonts-noto-cjk; WeasyPrint embeds the subset it uses."""

BASE_CSS = f"""
@page {{ font-family: {FONT_FAMILY}; color: #000; }}
html {{ font-family: {FONT_FAMILY}; color: #000; }}
body {{ margin: 0; }}
q {{ quotes: "“" "”"; }}
"""
"""Page basics every printable shares: CJK fonts, black text. Each document adds its own layout."""

GENERATOR = "Playbook 服务手册"


@lru_cache(maxsize=None)
def _environment(template_dir: str, strict: bool, compact: bool, keep_trailing_newline: bool) -> Environment:
    return Environment(loader=FileSystemLoader(template_dir), autoescape=True,
                       undefined=StrictUndefined if strict else Undefined,
                       trim_blocks=compact, lstrip_blocks=compact, keep_trailing_newline=keep_trailing_newline)


def environment(template_dir: Path | str, *, strict: bool = True, compact: bool = True,
                keep_trailing_newline: bool = False) -> Environment:
    """The (cached) Jinja environment for one template folder. Always autoescaped: content text is
    untrusted wherever it lands. ``compact`` trims blocks; ``strict`` fails on undefined names."""
    return _environment(str(template_dir), strict, compact, keep_trailing_newline)


@lru_cache(maxsize=None)
def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def stylesheet(*paths: Path | str, base: bool = True) -> Markup:
    """Our own (trusted) CSS files as Markup for a ``<style>`` element, the shared basics first."""
    parts = [BASE_CSS] if base else []
    parts += [_read(str(p)) for p in paths]
    return Markup("\n".join(parts))


def meta_tags(title: str, date: str, extra: dict[str, str] | None = None) -> Markup:
    """``<head>`` metadata WeasyPrint writes into the PDF: title, creation and modification date
    (the content's date, never the clock) and generator."""
    from markupsafe import escape

    rows = [("dcterms.created", date), ("dcterms.modified", date), ("generator", GENERATOR)]
    rows += sorted((extra or {}).items())
    head = [Markup("<title>{}</title>").format(title)]
    head += [Markup('<meta name="{}" content="{}">').format(k, v) for k, v in rows]
    return Markup("\n").join(head) if head else escape("")


def render(html: str, base_url: Path | str | None = None) -> Any:
    """Lay out HTML with WeasyPrint; returns the document (pages, anchors, ``write_pdf``)."""
    from weasyprint import HTML  # imported here: slow to import, and only needed for PDFs

    return HTML(string=html, base_url=str(base_url) if base_url is not None else None).render()


def pdf_bytes(html: str, base_url: Path | str | None = None) -> bytes:
    """HTML -> PDF bytes. The same HTML gives the same bytes (dates come from the HTML's meta)."""
    return render(html, base_url).write_pdf()


def write_atomic(target: Path, data: bytes) -> None:
    """Write a file all or nothing: a temporary file beside it, renamed over it when complete."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
